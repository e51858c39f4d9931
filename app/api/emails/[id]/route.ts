// GET /api/emails/{id} – one sent email with its status and credits (Resend-compatible, full-access key)
import { z } from "zod";

import { getEmail } from "@/lib/api/emails";
import { publicApi } from "@/lib/http/public-api";
import { emailId } from "@/lib/sending/email-schema";

export const dynamic = "force-dynamic";

export const GET = publicApi(
  { access: "full", params: z.object({ id: emailId }), notFound: "Email not found" },
  (req) => getEmail(req.caller, req.params.id),
);
