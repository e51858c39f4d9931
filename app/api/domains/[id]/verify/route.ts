// POST /api/domains/{id}/verify – ask Resend to check the domain's DNS records (Resend-compatible)
import { verifyDomainEntry } from "@/lib/api/domains";
import { domainOperations } from "@/lib/api/domains-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi(domainOperations.verify, (req) => verifyDomainEntry(req.caller, req.params.id));
