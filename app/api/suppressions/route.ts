// GET /api/suppressions – the suppression list; POST /api/suppressions – add an address (Resend-compatible, full-access key)
import { addSuppressionFromApi, listSuppressionsPage } from "@/lib/api/suppressions";
import { BODY_LIMITS } from "@/lib/http/body";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi({ access: "full" }, (req) => listSuppressionsPage(req.caller, req.query));

export const POST = publicApi({ access: "full", body: "json", maxBodyBytes: BODY_LIMITS.form }, (req) =>
  addSuppressionFromApi(req.caller, req.body),
);
