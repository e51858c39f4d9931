// GET /api/metrics – Prometheus text (Authorization: Bearer $METRICS_TOKEN; 404 when METRICS_TOKEN is unset)
import { timingSafeEqual } from "node:crypto";

import { getEnv } from "@/lib/env";
import { renderMetrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const token = getEnv().METRICS_TOKEN;
  if (!token) return Response.json({ error: "not_found", message: "Not found" }, { status: 404 });
  const given = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!sameSecret(given, token))
    return Response.json(
      { error: "unauthorized", message: "Send the metrics token as Authorization: Bearer <METRICS_TOKEN>." },
      { status: 401, headers: { "www-authenticate": "Bearer" } },
    );
  const { contentType, body } = await renderMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
