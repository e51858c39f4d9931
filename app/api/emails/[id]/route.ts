// GET /api/emails/{id} – one sent email with its status and credits (Resend-compatible, full-access key)
import { getEmail } from "@/lib/api/emails";
import { emailOperations } from "@/lib/api/emails-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi(emailOperations.get, (req) => getEmail(req.caller, req.params.id));
