// GET /api/openapi.json – the OpenAPI description of the public email API
import { openApiDocument } from "@/lib/api/openapi";
import { getEnv } from "@/lib/env";
import { plainRoute } from "@/lib/http/plain-route";

export const dynamic = "force-dynamic";

export const GET = plainRoute(() => ({
  json: openApiDocument(`${getEnv().APP_URL.replace(/\/$/, "")}/api`),
  headers: { "cache-control": "public, max-age=300" },
}));
