// GET / DELETE /api/suppressions/{id or address} – one entry of the suppression list (Resend-compatible, full-access key)
import { getSuppressionEntry, removeSuppressionEntry } from "@/lib/api/suppressions";
import { suppressionOperations } from "@/lib/api/suppressions-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi(suppressionOperations.get, (req) =>
  getSuppressionEntry(req.caller, req.params.id_or_email),
);

export const DELETE = publicApi(suppressionOperations.remove, (req) =>
  removeSuppressionEntry(req.caller, req.params.id_or_email),
);
