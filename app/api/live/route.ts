// GET /api/live – polled by an open dashboard every few seconds (session only): see lib/live/snapshot.ts
import { sessionGet } from "@/lib/http/session-route";
import { getLiveSnapshot } from "@/lib/live/snapshot";

export const dynamic = "force-dynamic";

export const GET = sessionGet(async (user) => ({ json: await getLiveSnapshot(user.id) }));
