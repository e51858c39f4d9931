/** npm run dev — MailKit with hot reload; in local mode also the Dodo + Resend emulators. */
import { loadDotEnv } from "./lib/dotenv";
import { launch } from "./lib/launch";

loadDotEnv();
const port = Number(process.env.PORT || 3000);
// Links in emails and checkout return URLs follow the port unless APP_URL says otherwise.
process.env.APP_URL ||= `http://localhost:${port}`;
await launch("dev", port);
