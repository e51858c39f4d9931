// POST /api/domains/{id}/verify – ask Resend to check the domain's DNS records (Resend-compatible)
import { z } from "zod";

import { verifyDomainEntry } from "@/lib/api/domains";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi({ access: "full", params: z.object({ id: z.string() }) }, (req) =>
  verifyDomainEntry(req.caller, req.params.id),
);
