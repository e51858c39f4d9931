// GET /api/health – liveness: the process answers HTTP (readiness, with the database and the loops: /api/ready)
import { plainRoute } from "@/lib/http/plain-route";

export const dynamic = "force-dynamic";

export const GET = plainRoute(() => ({ json: { ok: true } }));
