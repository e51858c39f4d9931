// GET /dashboard/suppressions/export – the signed-in customer's suppression list as CSV (session only)
import { getSessionUser } from "@/lib/auth/session";
import { listSuppressions, suppressionsCsv } from "@/lib/suppressions";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const user = await getSessionUser();
  if (!user) return new Response("Sign in first.", { status: 401, headers: { "content-type": "text/plain" } });
  const page = await listSuppressions(user.id);
  const date = new Date().toISOString().slice(0, 10);
  return new Response(suppressionsCsv(page?.items ?? []), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="mailkit-suppressions-${date}.csv"`,
      "cache-control": "no-store",
    },
  });
}
