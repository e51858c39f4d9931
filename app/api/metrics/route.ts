// GET /api/metrics – Prometheus text (Authorization: Bearer $METRICS_TOKEN; 404 when METRICS_TOKEN is unset)
import { plainRoute } from "@/lib/http/plain-route";
import { authorizeMetricsScrape, renderMetrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

export const GET = plainRoute(async (req) => {
  authorizeMetricsScrape(req.header("authorization"));
  const { contentType, body } = await renderMetrics();
  return { text: body, contentType, headers: { "cache-control": "no-store" } };
});
