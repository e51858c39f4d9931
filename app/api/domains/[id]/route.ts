// GET /api/domains/{id} – one sender domain with its DNS records; DELETE – remove it (Resend-compatible)
import { z } from "zod";

import { getDomainEntry, removeDomainEntry } from "@/lib/api/domains";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

const domain = { access: "full", params: z.object({ id: z.string() }) } as const;

export const GET = publicApi(domain, (req) => getDomainEntry(req.caller, req.params.id));

export const DELETE = publicApi(domain, (req) => removeDomainEntry(req.caller, req.params.id));
