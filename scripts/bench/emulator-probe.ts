import type { ChildProcess } from "node:child_process";

import type { AppRequestCounts, ProbeAnswer, ProbeRequest } from "./emulator-process";
import { sleep } from "./processes";

/**
 * Asks the emulators' process (scripts/bench/emulator-process.ts, over its IPC channel) what it counted: the HTTP
 * requests it made to MailKit (webhooks), and which sender's emails reached Resend when.
 */
export class EmulatorProbe {
  private next = 0;
  private readonly waiting = new Map<number, (data: ProbeAnswer["data"]) => void>();

  constructor(private readonly child: ChildProcess) {
    child.on("message", (answer: ProbeAnswer) => {
      this.waiting.get(answer.id)?.(answer.data);
      this.waiting.delete(answer.id);
    });
  }

  private ask(request: { kind: "counts" } | { kind: "deliveries"; last: number }): Promise<ProbeAnswer["data"]> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`the emulators' process did not answer "${request.kind}" within 30 s`));
      }, 30_000);
      this.waiting.set(id, (data) => {
        clearTimeout(timer);
        resolve(data);
      });
      this.child.send({ ...request, id } as ProbeRequest);
    });
  }

  counts = async () => (await this.ask({ kind: "counts" })) as AppRequestCounts;

  /** [epoch ms at Resend, `from`] of the newest `last` emails at Resend, oldest first. */
  deliveries = async (last: number) => (await this.ask({ kind: "deliveries", last })) as Array<[number, string]>;

  /**
   * Waits until the emulators have sent MailKit nothing for `quietMs` (the webhooks that follow a phase's emails,
   * and the `credit.deducted` of its coalesced debits), at most `timeoutMs`. Returns whether it got quiet.
   */
  async waitQuiet(quietMs: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const counts = await this.counts();
      if (counts.inFlight === 0 && Date.now() - counts.lastActivity >= quietMs) return true;
      await sleep(200);
    }
    return false;
  }
}

/** Requests the emulators made to MailKit, in total. */
export const requestsOf = (counts: AppRequestCounts): number =>
  Object.values(counts.byPath).reduce((sum, n) => sum + n, 0);

/** "resend 4000, dodo 12" from the difference of two counts. */
export function describeRequests(before: AppRequestCounts, after: AppRequestCounts): string {
  const parts: string[] = [];
  for (const [path, n] of Object.entries(after.byPath)) {
    const delta = n - (before.byPath[path] ?? 0);
    if (delta > 0) parts.push(`${path.replace("/api/webhooks/", "")} ${delta}`);
  }
  const failed = Object.entries(after.byStatus)
    .filter(([status]) => !status.startsWith("2"))
    .map(([status, n]) => [status, n - (before.byStatus[status] ?? 0)] as const)
    .filter(([, n]) => n > 0);
  return (
    (parts.join(", ") || "none") +
    (failed.length ? ` (not 2xx: ${failed.map(([s, n]) => `${n}× ${s}`).join(", ")})` : "")
  );
}
