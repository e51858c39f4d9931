// GET /dashboard/suppressions/export – the signed-in customer's suppression list as CSV (session only)
import { sessionGet } from "@/lib/http/session-route";
import { suppressionsCsvExport } from "@/lib/suppressions";

export const dynamic = "force-dynamic";

export const GET = sessionGet((user) => suppressionsCsvExport(user.id));
