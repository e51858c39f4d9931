/**
 * Each customer's share of delivery over time. The phase is cut into windows of `windowEmails` consecutive
 * emails at Resend (a window never splits one Resend call: emails of one call share their time), so a window
 * holds several calls however fast delivery runs. In each window, the customers that were
 * *waiting* (at least `minBacklog` accepted emails not yet at Resend, both when the window's first call was packed
 * and when the window closed) should each get an equal share of what reached Resend for them — the max-min fair outcome, whatever
 * each of them queued. A customer that was not waiting got everything it asked for and is left out. A window
 * counts as fair when every waiting customer's share is within `tolerance` of that equal share.
 *
 * A call is packed before it reaches Resend: the dispatcher packs the next call while it waits for its slot of the
 * shared budget, then the call takes the provider's latency. `packLeadMs` (one slot plus that latency) dates the
 * packing, so emails accepted after the first call of the window was packed do not make their customer "waiting"
 * for a call that could not have carried them.
 */
export type Answer = { at: number; customer: string; emails: number };
export type Delivery = { at: number; customer: string };

export type WindowShares = { start: number; waiting: string[]; delivered: Record<string, number> };

export type Fairness = {
  windowEmails: number;
  /** Windows in which two or more customers were waiting. */
  contended: WindowShares[];
  /** How many of those were fair. */
  fair: number;
  /** The largest |share − equal share| / equal share of a waiting customer over the contended windows. */
  worst: { deviation: number; customer: string; windowStart: number } | null;
  /** Over the contended windows: what each customer got while waiting, and its equal share of that. */
  totals: Record<string, { delivered: number; equalShare: number }>;
};

export function deliveryShares(input: {
  customers: string[];
  answers: Answer[];
  deliveries: Delivery[];
  windowEmails: number;
  minBacklog: number;
  tolerance: number;
  packLeadMs?: number;
}): Fairness {
  const { customers, answers, windowEmails, minBacklog, tolerance, packLeadMs = 0 } = input;
  const deliveries = [...input.deliveries].sort((a, b) => a.at - b.at);
  const acceptedBy = (customer: string, t: number) =>
    answers.reduce((n, a) => (a.customer === customer && a.at <= t ? n + a.emails : n), 0);
  const deliveredBy = (customer: string, t: number) =>
    deliveries.reduce((n, d) => (d.customer === customer && d.at < t ? n + 1 : n), 0);
  const backlog = (customer: string, t: number) => acceptedBy(customer, t) - deliveredBy(customer, t);

  const result: Fairness = {
    windowEmails,
    contended: [],
    fair: 0,
    worst: null,
    totals: Object.fromEntries(customers.map((c) => [c, { delivered: 0, equalShare: 0 }])),
  };
  for (let from = 0; from < deliveries.length;) {
    let to = Math.min(from + windowEmails, deliveries.length); // exclusive
    while (to < deliveries.length && deliveries[to]!.at === deliveries[to - 1]!.at) to++;
    if (to - from < windowEmails) break; // the last, partial window
    const start = deliveries[from]!.at;
    const end = deliveries[to - 1]!.at + 1;
    from = to;
    const waiting = customers.filter(
      (c) => backlog(c, start - packLeadMs) >= minBacklog && backlog(c, end) >= minBacklog,
    );
    if (waiting.length < 2) continue;
    const delivered = Object.fromEntries(waiting.map((c) => [c, deliveredBy(c, end) - deliveredBy(c, start)] as const));
    const total = Object.values(delivered).reduce((a, b) => a + b, 0);
    const equal = total / waiting.length;
    result.contended.push({ start, waiting, delivered });
    let windowFair = total > 0;
    for (const c of waiting) {
      const deviation = equal > 0 ? Math.abs(delivered[c]! - equal) / equal : 1;
      if (deviation > tolerance) windowFair = false;
      if (!result.worst || deviation > result.worst.deviation)
        result.worst = { deviation, customer: c, windowStart: start };
      result.totals[c]!.delivered += delivered[c]!;
      result.totals[c]!.equalShare += equal;
    }
    if (windowFair) result.fair += 1;
  }
  return result;
}
