// GET or POST /api/cron with `Authorization: Bearer <CRON_SECRET>` – one pass of every background loop, for
// platforms without long-lived processes (a scheduler calls it every minute); 404 when CRON_SECRET is unset
import { authorizeCron, runEveryLoopOnce } from "@/lib/background";
import { plainRoute } from "@/lib/http/plain-route";

export const dynamic = "force-dynamic";
// A pass drains what is due; serverless platforms cut a function at their own limit.
export const maxDuration = 60;

const cron = plainRoute(async (request) => {
  authorizeCron(request.header("authorization"));
  const loops = await runEveryLoopOnce();
  return { json: { ok: loops.every((loop) => loop.ok), loops }, headers: { "cache-control": "no-store" } };
});

export const GET = cron;
export const POST = cron;
