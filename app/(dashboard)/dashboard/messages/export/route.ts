// GET /dashboard/messages/export – the signed-in customer's filtered message log as CSV (session only, streamed)
import { sessionDownload } from "@/lib/http/session-download";
import { messagesCsvExport } from "@/lib/sending/message-export";

export const dynamic = "force-dynamic";

export const GET = sessionDownload((user, query) => messagesCsvExport(user.id, query));
