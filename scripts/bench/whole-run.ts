import type { EmulatorControl } from "./emulator-control";
import { byLabel, scrapeMetrics, total } from "./metrics";
import { sleep } from "./processes";
import { ratio, type Row } from "./report";

/**
 * The whole run's checks: Resend and Dodo calls per accepted email (MailKit's /api/metrics, summed over the
 * instances), and each customer's Dodo balance against what it had accepted (they must match exactly).
 */
export type BilledCustomer = {
  label: string;
  customerId: string;
  credits: number;
  /** Emails accepted with a 200 answer. */
  accepted: number;
  /**
   * When some of its requests got no answer (client timeout), they may still have been admitted: then the emails
   * that reached Resend are what must be billed, counted by this function.
   */
  unknownOutcomes: number;
  atResend?: () => Promise<number>;
};

export async function wholeRunChecks(input: {
  appUrls: string[];
  metricsToken: string;
  control: EmulatorControl;
  customers: BilledCustomer[];
  dodoBalance: (customerId: string) => Promise<number>;
  assertAppAlive: () => void;
}): Promise<{ rows: Row[]; ok: boolean }> {
  const scrape = (url: string) =>
    scrapeMetrics(url, input.metricsToken).catch((error: Error) => {
      console.log(`  ✘ GET ${url}/api/metrics: ${error.message}`);
      return "";
    });
  // Wait for MailKit's queue to empty (≤ 120 s) before counting what reached Resend.
  let first = "";
  const queueDeadline = Date.now() + 120_000;
  while (Date.now() < queueDeadline) {
    first = await scrape(input.appUrls[0]!);
    if (first && total(first, "mailkit_queue_depth") === 0) break;
    input.assertAppAlive();
    await sleep(1_000);
  }
  const billed = new Map<string, number>();
  for (const c of input.customers)
    billed.set(c.label, c.unknownOutcomes > 0 && c.atResend ? await c.atResend() : c.accepted);
  const expected = (c: BilledCustomer) => c.credits - billed.get(c.label)!;
  // Debits are coalesced and posted a few seconds after Resend accepted: wait until Dodo shows them all (≤ 60 s).
  const balances = async () => Promise.all(input.customers.map((c) => input.dodoBalance(c.customerId)));
  let balance = await balances();
  const billingDeadline = Date.now() + 60_000;
  while (Date.now() < billingDeadline && input.customers.some((c, i) => balance[i]! > expected(c))) {
    await sleep(500);
    balance = await balances();
  }
  await sleep(3_000); // anything still in flight would show as a mismatch now, not later
  balance = await balances();

  // Counters summed over the instances; the queue gauge is read from the shared database by each, so once.
  const texts = [await scrape(input.appUrls[0]!), ...(await Promise.all(input.appUrls.slice(1).map(scrape)))];
  const metricsText = texts.join("\n");
  const accepted = input.customers.reduce((sum, c) => sum + c.accepted, 0);
  const atResend = (await input.control.resendMessageCount()) as number;
  const resendCalls = total(metricsText, "mailkit_resend_calls_total");
  const dodoCalls = total(metricsText, "mailkit_dodo_calls_total");
  const acceptedByApp = total(metricsText, "mailkit_sends_accepted_total");
  const queueDepth = texts[0] ? total(texts[0], "mailkit_queue_depth") : NaN;
  const unknown = input.customers.reduce((sum, c) => sum + c.unknownOutcomes, 0);
  const okBalances = input.customers.map((c, i) => balance[i] === expected(c));
  const ok = okBalances.every(Boolean) && (unknown > 0 || acceptedByApp === accepted) && atResend >= accepted;
  console.log(
    `calls: ${resendCalls} Resend calls (${byLabel(metricsText, "mailkit_resend_calls_total", "outcome")}), ` +
      `${dodoCalls} Dodo calls (${byLabel(metricsText, "mailkit_dodo_calls_total", "operation")}) for ${accepted} accepted emails ` +
      `(MailKit counted ${acceptedByApp}); queue depth ${queueDepth}; ${atResend} emails at the Resend emulator`,
  );
  const billing = input.customers.map(
    (c, i) =>
      `${c.label} ${okBalances[i] ? "✔" : "✘"} ${balance[i]} = ${c.credits} − ${billed.get(c.label)}` +
      (c.unknownOutcomes > 0 ? ` at Resend (${c.accepted} answered 200, ${c.unknownOutcomes} without answer)` : ""),
  );
  console.log(`billing (Dodo balance = credits − accepted): ${billing.join("; ")}`);
  const rows: Row[] = [
    {
      phase: "whole run",
      figure: "accepted emails",
      value: String(accepted),
      note: `MailKit's counter: ${acceptedByApp}`,
    },
    {
      phase: "whole run",
      figure: "Resend calls per accepted email",
      value: ratio(resendCalls / accepted),
      note: `${resendCalls} calls`,
    },
    {
      phase: "whole run",
      figure: "Dodo calls per accepted email",
      value: ratio(dodoCalls / accepted),
      note: `${dodoCalls} calls: ${byLabel(metricsText, "mailkit_dodo_calls_total", "operation")}`,
    },
    {
      phase: "whole run",
      figure: "Dodo balance = credits − accepted",
      value: okBalances.every(Boolean) ? "✔" : "✘",
      note: billing.join("; "),
    },
  ];
  return { rows, ok };
}
