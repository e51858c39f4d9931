// POST /api/domains – add a sender domain; GET /api/domains – list them (Resend-compatible, full-access key)
import { createDomain, listDomainsPage } from "@/lib/api/domains";
import { BODY_LIMITS } from "@/lib/http/body";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi({ access: "full", body: "json", maxBodyBytes: BODY_LIMITS.form }, (req) =>
  createDomain(req.caller, req.body),
);

export const GET = publicApi({ access: "full" }, (req) => listDomainsPage(req.caller, req.query));
