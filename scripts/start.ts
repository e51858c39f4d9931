/** npm start [-- -p PORT] — the production server (after `npm run build`); in local mode also the emulators. */
import { loadDotEnv } from "./lib/dotenv";
import { launch } from "./lib/launch";
import { portFromArgs } from "./lib/ports";

loadDotEnv();
Object.assign(process.env, { NODE_ENV: "production" });
const port = portFromArgs(process.argv.slice(2));
// Links in emails and checkout return URLs follow the port unless APP_URL says otherwise.
process.env.APP_URL ||= `http://localhost:${port}`;
await launch("start", port);
