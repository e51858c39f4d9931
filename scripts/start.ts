/** npm start — the production server (after `npm run build`); in local mode also the emulators. */
import { loadDotEnv } from "./lib/dotenv";
import { launch } from "./lib/launch";

loadDotEnv();
Object.assign(process.env, { NODE_ENV: "production" });
const port = Number(process.env.PORT || 3000);
// Links in emails and checkout return URLs follow the port unless APP_URL says otherwise.
process.env.APP_URL ||= `http://localhost:${port}`;
await launch("start", port);
