// GET / DELETE /api/suppressions/{id or address} – one entry of the suppression list (Resend-compatible, full-access key)
import { z } from "zod";

import { getSuppressionEntry, removeSuppressionEntry } from "@/lib/api/suppressions";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

const entry = { access: "full", params: z.object({ address: z.string() }), notFound: "Suppression not found" } as const;

export const GET = publicApi(entry, (req) => getSuppressionEntry(req.caller, req.params.address));

export const DELETE = publicApi(entry, (req) => removeSuppressionEntry(req.caller, req.params.address));
