/** npm run dev [-- -p PORT] — MailKit with hot reload; in local mode also the Dodo + Resend emulators. */
import { loadDotEnv } from "./lib/dotenv";
import { launch } from "./lib/launch";
import { portFromArgs } from "./lib/ports";

loadDotEnv();
const port = portFromArgs(process.argv.slice(2));
// Links in emails and checkout return URLs follow the port unless APP_URL says otherwise.
process.env.APP_URL ||= `http://localhost:${port}`;
await launch("dev", port);
