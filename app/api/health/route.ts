import { db, ensureMigrated } from "@/lib/db";

// GET /api/health — readiness: the database answers and its migrations are applied.
export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await ensureMigrated();
    await db.$queryRawUnsafe("SELECT 1");
    return Response.json({ ok: true });
  } catch (error) {
    return Response.json({ ok: false, error: (error as Error).message }, { status: 503 });
  }
}
