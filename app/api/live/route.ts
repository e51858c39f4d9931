import { getSessionUser } from "@/lib/auth/session";
import { jsonError } from "@/lib/http";
import { getLiveSnapshot } from "@/lib/live/snapshot";

// GET /api/live — polled by an open dashboard every few seconds (session only): see lib/live/snapshot.ts.
export async function GET() {
  const user = await getSessionUser();
  if (!user) return jsonError(401, "unauthorized", "Sign in first.");
  return Response.json(await getLiveSnapshot(user.id), { headers: { "cache-control": "no-store" } });
}
