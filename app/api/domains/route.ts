// POST /api/domains – add a sender domain; GET /api/domains – list them (Resend-compatible, full-access key)
import { createDomain, listDomainsPage } from "@/lib/api/domains";
import { domainOperations } from "@/lib/api/domains-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi(domainOperations.create, (req) => createDomain(req.caller, req.body));

export const GET = publicApi(domainOperations.list, (req) => listDomainsPage(req.caller, req.query));
