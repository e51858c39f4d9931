/** MailKit's Prometheus text at GET /api/metrics (Authorization: Bearer $METRICS_TOKEN). */
export async function scrapeMetrics(appUrl: string, token: string): Promise<string> {
  const response = await fetch(`${appUrl}/api/metrics`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /api/metrics → ${response.status} ${text.slice(0, 200)}`);
  return text;
}

type Sample = { name: string; labels: Record<string, string>; value: number };

function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith("#")) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    out.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return out;
}

/** The sum of every sample of a metric over its labels. */
export function total(text: string, name: string): number {
  return samples(text)
    .filter((s) => s.name === name && Number.isFinite(s.value))
    .reduce((sum, s) => sum + s.value, 0);
}

/** A metric summed per value of one label, e.g. Dodo calls per operation: "balance=3, debit=12". */
export function byLabel(text: string, name: string, label: string): string {
  const sums = new Map<string, number>();
  for (const s of samples(text))
    if (s.name === name && Number.isFinite(s.value))
      sums.set(s.labels[label] ?? "", (sums.get(s.labels[label] ?? "") ?? 0) + s.value);
  return [...sums].map(([k, v]) => `${k}=${v}`).join(", ") || "none";
}
