// GET /api/ready – readiness: the database answers with every migration applied, and each loop this role runs
// completed a pass recently; 503 otherwise, with the problems listed (lib/server-start.ts)
import { plainRoute } from "@/lib/http/plain-route";
import { checkReadiness } from "@/lib/server-start";

export const dynamic = "force-dynamic";

export const GET = plainRoute(async () => {
  const readiness = await checkReadiness();
  return { json: readiness, status: readiness.ok ? 200 : 503, headers: { "cache-control": "no-store" } };
});
