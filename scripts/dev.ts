/** npm run dev — MailKit with hot reload; in local mode also the Dodo + Resend emulators. */
import { loadDotEnv } from "./lib/dotenv";
import { launch } from "./lib/launch";

loadDotEnv();
await launch("dev", Number(process.env.PORT ?? 3000));
