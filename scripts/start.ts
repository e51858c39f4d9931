/** npm start [-- -p PORT] — the production server (after `npm run build`); in local mode also the emulators. */
import { loadDotEnv } from "./lib/dotenv";
import { launch } from "./lib/launch";
import { portFromArgs } from "./lib/ports";

loadDotEnv();
// MailKit shuts Next down itself (lib/runtime/shutdown.ts): Next's own handler would exit mid-request.
Object.assign(process.env, { NODE_ENV: "production", NEXT_MANUAL_SIG_HANDLE: "1" });
const port = portFromArgs(process.argv.slice(2));
// Links in emails and checkout return URLs follow the port unless APP_URL says otherwise.
process.env.APP_URL ||= `http://localhost:${port}`;
await launch("start", port);
