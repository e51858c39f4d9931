// GET /api/suppressions – the suppression list; POST /api/suppressions – add an address (Resend-compatible, full-access key)
import { addSuppressionFromApi, listSuppressionsPage } from "@/lib/api/suppressions";
import { suppressionOperations } from "@/lib/api/suppressions-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi(suppressionOperations.list, (req) => listSuppressionsPage(req.caller, req.query));

export const POST = publicApi(suppressionOperations.add, (req) => addSuppressionFromApi(req.caller, req.body));
