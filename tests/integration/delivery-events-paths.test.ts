import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";

import { db } from "@/lib/db";
import type { EmailEvent } from "@/lib/sending/delivery-event-fields";
import { applyReconciledEvent } from "@/lib/sending/delivery-events";
import {
  recordRoutineEmailEvent,
  ROUTINE_EMAIL_EVENTS,
  routineEventInput,
  writeRoutineEvents,
} from "@/lib/sending/delivery-events-routine";
import { AGAIN } from "@/lib/runtime/group-commit";
import { SEND_ID_TAG } from "@/lib/mail/send-tag";
import { AFTER_SENDING } from "@/lib/sending/sent-events";

/**
 * Resend's routine delivery events have two implementations: `apply` (a Prisma transaction) and the express path
 * (one SQL statement that does the same whenever it can). Each scenario runs on two identical fresh sends, one
 * through the inbox's order (express first, `apply` when it declines) and one through `apply` alone, and the
 * rows each leaves behind must be the same: the send's status and times, its timeline, the receipts, and what
 * reaches customers (webhook deliveries, outbox jobs, suppressions) — also when the events of many sends arrive
 * together and the express path writes them in shared statements.
 */

const T0 = new Date("2026-03-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

type Start = { status: string; lastEventAt: Date | null; recorded: boolean };
type Step = { type: string; at: Date; repeat?: boolean };

/** Every state a send can be in when a routine event comes: before, at and after Resend accepted it. */
const STARTS: Start[] = [
  { status: "queued", lastEventAt: null, recorded: false },
  { status: "queued", lastEventAt: T0, recorded: false },
  { status: "unknown", lastEventAt: null, recorded: false },
  { status: "failed", lastEventAt: null, recorded: true },
  { status: "canceled", lastEventAt: T0, recorded: true },
  { status: "scheduled", lastEventAt: null, recorded: true },
  { status: "scheduled", lastEventAt: T0, recorded: true },
  { status: "sent", lastEventAt: null, recorded: true },
  { status: "sent", lastEventAt: T0, recorded: true },
  { status: "delivery_delayed", lastEventAt: T0, recorded: true },
  { status: "delivered", lastEventAt: T0, recorded: true },
  { status: "bounced", lastEventAt: T0, recorded: true },
  { status: "complained", lastEventAt: T0, recorded: true },
  { status: "suppressed", lastEventAt: T0, recorded: true },
];

const ROUTINE_TYPES = [...ROUTINE_EMAIL_EVENTS];

/** Each routine event, older than, as old as and newer than what the send knows, on each starting state. */
const SINGLE_EVENTS: Scenario[] = STARTS.flatMap((start) =>
  ROUTINE_TYPES.flatMap((type) => [-1, 0, 1].map((offset) => ({ start, steps: [{ type, at: at(offset) }] }))),
);

/** Orders and redeliveries that matter: late progress after an outcome, equal times, duplicates, early events. */
const sent = STARTS.find((s) => s.status === "sent" && s.lastEventAt === null)!;
const queued = STARTS.find((s) => s.status === "queued" && s.lastEventAt === null)!;
const scheduled = STARTS.find((s) => s.status === "scheduled" && s.lastEventAt === null)!;
const SEQUENCES: Scenario[] = [
  {
    start: sent,
    steps: [
      { type: "email.delivered", at: at(2) },
      { type: "email.delivery_delayed", at: at(1) },
    ],
  },
  {
    start: sent,
    steps: [
      { type: "email.delivered", at: at(2) },
      { type: "email.delivery_delayed", at: at(3) },
    ],
  },
  {
    start: sent,
    steps: [
      { type: "email.delivered", at: at(1) },
      { type: "email.sent", at: at(1) },
    ],
  },
  {
    start: sent,
    steps: [
      { type: "email.delivery_delayed", at: at(1) },
      { type: "email.delivered", at: at(1) },
    ],
  },
  {
    start: sent,
    steps: [
      { type: "email.opened", at: at(3) },
      { type: "email.delivered", at: at(1) },
    ],
  },
  {
    start: sent,
    steps: [
      { type: "email.delivered", at: at(1) },
      { type: "email.delivered", at: at(1), repeat: true },
    ],
  },
  {
    start: sent,
    steps: [
      { type: "email.clicked", at: at(4) },
      { type: "email.clicked", at: at(4), repeat: true },
    ],
  },
  {
    start: queued,
    steps: [
      { type: "email.delivered", at: at(2) },
      { type: "email.sent", at: at(1) },
    ],
  },
  {
    start: queued,
    steps: [
      { type: "email.sent", at: at(1) },
      { type: "email.sent", at: at(1), repeat: true },
    ],
  },
  {
    start: scheduled,
    steps: [
      { type: "email.scheduled", at: at(1) },
      { type: "email.delivered", at: at(2) },
    ],
  },
  {
    start: scheduled,
    steps: [
      { type: "email.delivered", at: at(2) },
      { type: "email.scheduled", at: at(1) },
    ],
  },
];

let userId: string;
beforeAll(async () => {
  userId = (await db.user.create({ data: { email: `paths-${randomUUID()}@example.com` } })).id;
});

type Scenario = { start: Start; steps: Step[] };
type TestSend = { id: string; resendId: string };

/** One fresh send per scenario, in the scenario's starting state. */
async function createSends(scenarios: Scenario[]): Promise<TestSend[]> {
  const sends = scenarios.map(() => ({ id: randomUUID(), resendId: `re_${randomUUID()}` }));
  await db.emailSend.createMany({
    data: scenarios.map(({ start }, index) => ({
      id: sends[index]!.id,
      userId,
      customerId: "cus_paths",
      source: "api",
      fromAddress: "sender@example.com",
      to: ["someone@example.com"],
      cc: [],
      bcc: [],
      subject: "Paths",
      payload: {},
      cost: 1,
      status: start.status,
      lastEventAt: start.lastEventAt,
      // Before the acceptance is recorded MailKit does not know Resend's id: the event finds the send by its tag.
      resendId: start.recorded ? sends[index]!.resendId : null,
      updatedAt: T0,
    })),
  });
  return sends;
}

function routineEvent(type: string, time: Date, send: { id: string; resendId: string }, index: number): EmailEvent {
  const tags = index % 2 ? { [SEND_ID_TAG]: send.id } : [{ name: SEND_ID_TAG, value: send.id }];
  const click = { ipAddress: "192.0.2.1", link: "https://example.com/", timestamp: time.toISOString(), userAgent: "t" };
  return {
    type,
    created_at: time.toISOString(),
    data: {
      email_id: send.resendId,
      created_at: time.toISOString(),
      from: "sender@example.com",
      to: ["someone@example.com"],
      subject: "Paths",
      tags,
      ...(type === "email.clicked" ? { click } : {}),
    },
  } as unknown as EmailEvent;
}

const receiptIdOf = (send: TestSend, steps: Step[], index: number) =>
  `${send.id}:${steps[index]!.repeat ? index - 1 : index}`;

/**
 * Runs each scenario's steps on its own fresh send, through the inbox's order (express, else apply) or apply alone.
 * Returns, per scenario, each step's outcome, how many steps the express path took, and the rows left behind.
 */
async function run(scenarios: Scenario[], path: "inbox" | "grouped" | "apply") {
  const sends = await createSends(scenarios);
  const results = scenarios.map(() => ({ outcomes: [] as string[], express: 0 }));
  const step = async (scenario: number, index: number) => {
    const { steps } = scenarios[scenario]!;
    const send = sends[scenario]!;
    const receiptId = receiptIdOf(send, steps, index);
    const event = routineEvent(steps[index]!.type, steps[index]!.at, send, index);
    const quick = path === "apply" ? null : await recordRoutineEmailEvent(event, receiptId);
    if (quick) results[scenario]!.express++;
    const result = quick ?? (await applyReconciledEvent(event, receiptId));
    results[scenario]!.outcomes.push(result === "duplicate" ? "duplicate" : (result.outcome ?? "applied"));
  };
  if (path === "grouped") {
    // Every scenario's nth event at once (different sends), so the express path writes them in shared statements.
    const longest = Math.max(...scenarios.map((s) => s.steps.length));
    for (let index = 0; index < longest; index++)
      await Promise.all(scenarios.map((s, n) => (index < s.steps.length ? step(n, index) : undefined)));
  } else {
    for (const [scenario, { steps }] of scenarios.entries())
      for (const index of steps.keys()) await step(scenario, index);
  }
  const rows = await rowsOf(sends, scenarios);
  return results.map((result, index) => ({ ...result, rows: rows[index]! }));
}

/** The rows each send's events left, with the send's own ids taken out so two twins compare equal. */
async function rowsOf(sends: TestSend[], scenarios: Scenario[]) {
  const ids = sends.map((send) => send.id);
  const rows = await db.emailSend.findMany({ where: { id: { in: ids } } });
  const events = await db.emailEvent.findMany({ where: { sendId: { in: ids } } });
  const receiptIds = sends.flatMap((send, n) =>
    scenarios[n]!.steps.map((_, i) => receiptIdOf(send, scenarios[n]!.steps, i)),
  );
  const receipts = await db.webhookReceipt.findMany({ where: { id: { in: receiptIds } } });
  return sends.map((send) => {
    const row = rows.find((r) => r.id === send.id)!;
    const own = (id: string | null) => id?.slice(send.id.length);
    return {
      status: row.status,
      lastEventAt: row.lastEventAt?.toISOString() ?? null,
      // Whether the row's updatedAt moved: reconciliation reads it to tell which sends were asked about lately.
      touched: row.updatedAt.getTime() !== T0.getTime(),
      events: events
        .filter((e) => e.sendId === send.id)
        .map((e) => ({
          type: e.type,
          occurredAt: e.occurredAt.toISOString(),
          recipients: e.recipients,
          detail: e.detail,
          receipt: own(e.webhookId),
        }))
        .sort((a, b) => `${a.occurredAt}${a.receipt}`.localeCompare(`${b.occurredAt}${b.receipt}`)),
      receipts: receipts
        .filter((r) => r.id.startsWith(`${send.id}:`))
        .map((r) => ({ id: own(r.id), source: r.source, type: r.type }))
        .sort((a, b) => a.id!.localeCompare(b.id!)),
    };
  });
}

/** Whatever else either path may write for a send: customers' deliveries, outbox jobs, suppressions. */
async function sideEffects() {
  return {
    deliveries: await db.webhookDelivery.count(),
    jobs: await db.outboxJob.count(),
    suppressions: await db.suppression.count(),
  };
}

describe("Resend's routine delivery events: the express path and apply leave the same rows", () => {
  it.each([
    ["one event on every starting state", SINGLE_EVENTS, "inbox"],
    ["out-of-order, equal-time and repeated deliveries", SEQUENCES, "inbox"],
    ["one event on every starting state, arriving together", SINGLE_EVENTS, "grouped"],
    ["out-of-order, equal-time and repeated deliveries, arriving together", SEQUENCES, "grouped"],
  ] as const)("%s", async (_name, scenarios, path) => {
    const before = await sideEffects();
    const [inbox, applied] = [await run(scenarios, path), await run(scenarios, "apply")];
    let expressTook = 0;
    for (const [index, { start, steps }] of scenarios.entries()) {
      const label = `${start.status} (lastEventAt ${start.lastEventAt?.toISOString() ?? "null"}): ${steps
        .map((s) => `${s.type}@${s.at.toISOString()}${s.repeat ? " again" : ""}`)
        .join(", ")}`;
      const [viaInbox, viaApply] = [inbox[index]!, applied[index]!];
      expect(viaInbox.outcomes, label).toEqual(viaApply.outcomes);
      expect(viaInbox.rows, label).toEqual(viaApply.rows);
      // The express path declines only what apply must do: an event saying Resend sent a scheduled send.
      const declines = start.status === "scheduled" && (AFTER_SENDING as readonly string[]).includes(steps[0]!.type);
      if (!declines) expect(viaInbox.express, label).toBeGreaterThan(0);
      expressTook += viaInbox.express;
    }
    expect(expressTook).toBeGreaterThan(scenarios.length / 2);
    // No endpoint listens and no routine event suppresses or credits back: neither path wrote anything else.
    expect(await sideEffects()).toEqual(before);
  });
});

describe("Resend's routine delivery events written together", () => {
  it("decide one event per send in a statement and leave the others of that send for the next", async () => {
    const scenarios: Scenario[] = [0, 1].map(() => ({ start: sent, steps: [] }));
    const [first, second] = await createSends(scenarios);
    const event = (send: TestSend, type: string, seconds: number, receipt: string) =>
      routineEventInput(routineEvent(type, at(seconds), send, 0), `${send.id}:${receipt}`)!;
    const results = await writeRoutineEvents([
      event(first!, "email.delivered", 2, "a"),
      event(first!, "email.delivery_delayed", 1, "b"),
      event(second!, "email.delivered", 1, "a"),
      event(first!, "email.delivered", 2, "a"),
    ]);
    expect(results).toEqual([{ outcome: "applied" }, AGAIN, { outcome: "applied" }, AGAIN]);
    // The events left over, written next as the group commit does: the repeat is a duplicate, the older is recorded.
    expect(await writeRoutineEvents([event(first!, "email.delivery_delayed", 1, "b")])).toEqual([
      { outcome: "recorded" },
    ]);
    expect(await writeRoutineEvents([event(first!, "email.delivered", 2, "a")])).toEqual(["duplicate"]);
    const rows = await db.emailSend.findMany({
      where: { id: { in: [first!.id, second!.id] } },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => r.status)).toEqual(["delivered", "delivered"]);
  });
});
