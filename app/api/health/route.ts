// GET /api/health – readiness: the database answers and its migrations are applied
import { checkDatabase } from "@/lib/db";
import { plainRoute } from "@/lib/http/plain-route";

export const dynamic = "force-dynamic";

export const GET = plainRoute(async () => {
  const health = await checkDatabase();
  return { json: health, status: health.ok ? 200 : 503 };
});
