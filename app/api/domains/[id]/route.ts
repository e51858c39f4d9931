// GET /api/domains/{id} – one sender domain with its DNS records; DELETE – remove it (Resend-compatible)
import { getDomainEntry, removeDomainEntry } from "@/lib/api/domains";
import { domainOperations } from "@/lib/api/domains-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi(domainOperations.get, (req) => getDomainEntry(req.caller, req.params.id));

export const DELETE = publicApi(domainOperations.remove, (req) => removeDomainEntry(req.caller, req.params.id));
