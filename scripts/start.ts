/** npm start — the production server (after `npm run build`); in local mode also the emulators. */
import { loadDotEnv } from "./lib/dotenv";
import { launch } from "./lib/launch";

loadDotEnv();
Object.assign(process.env, { NODE_ENV: "production" });
await launch("start", Number(process.env.PORT ?? 3000));
