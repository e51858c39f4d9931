import fc from "fast-check";
import { Resend } from "resend";
import { describe, expect, it } from "vitest";

import * as suppressionRoute from "@/app/api/suppressions/[id_or_email]/route";
import * as suppressionsRoute from "@/app/api/suppressions/route";
import { POST as resendWebhook } from "@/app/api/webhooks/resend/route";
import { createApiKey } from "@/lib/keys/api-keys";
import { runRequestedSyncs } from "@/lib/credits";
import { flushAllDebits } from "@/lib/credits/debits";
import { db } from "@/lib/db";
import { getDodo } from "@/lib/dodo/client";
import { drainJobs } from "@/lib/outbox/worker";
import { sendEmails, type Sender } from "@/lib/sending";
import { drainDispatcher } from "@/lib/sending/dispatcher";
import { AllRecipientsSuppressedError } from "@/lib/sending/errors";
import { creditBacksOf, listSuppressions } from "@/lib/suppressions";
import { CREDIT_BACK_JOB } from "@/lib/suppressions/credit-back";

import { signedResendRequest } from "../support/resend-webhooks";
import {
  createFundedUser,
  dodoBalance,
  mailkitCredits,
  outgoingEmail,
  settleOutbox,
  withTestWorld,
} from "./helpers/environment";

/**
 * Suppressions end to end: the Resend emulator's hard bounce / complaint webhooks put the recipient on the
 * sending customer's list (only theirs); later sends leave suppressed recipients out before anything is held
 * (422 when no `to` is left), through the official SDK; suppressed/failed emails are credited back in Dodo once.
 */

const world = withTestWorld();

/** A funded customer with a key; it sends from acme.test unless given another verified domain (one owner each). */
async function customer(credits: number, label: string, domain = "acme.test") {
  const { user, customerId } = await createFundedUser(world, credits, label, { domain });
  const key = await createApiKey(user.id, { name: "test", permission: "full_access", rateLimitPerSecond: 1000 });
  const sender: Sender = { userId: user.id, customerId, source: "api" };
  return { user, customerId, sender, token: key.token, resend: new Resend(key.token, { baseUrl: world.app.apiBase }) };
}

async function waitForStatus(id: string, status: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await drainDispatcher();
    const send = await db.emailSend.findUniqueOrThrow({ where: { id } });
    if (send.status === status) return send;
    if (Date.now() > deadline) throw new Error(`send ${id} is ${send.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Dodo's ledger credits naming this email (MailKit's credit-backs). */
async function dodoCreditBacks(customerId: string, sendId: string) {
  const page = await getDodo().creditEntitlements.balances.listLedger(customerId, {
    credit_entitlement_id: world.catalog.entitlementId,
    page_size: 100,
  });
  return page.items.filter(
    (e) => e.is_credit && ((e as { reason?: string | null }).reason ?? e.description ?? "").includes(sendId),
  );
}

/** Runs credit-back jobs (and any other due job) until none is pending, retrying due ones as their backoff would. */
async function runCreditBacks() {
  for (let round = 0; round < 10; round++) {
    await drainJobs();
    const pending = await db.outboxJob.count({ where: { kind: CREDIT_BACK_JOB, status: "pending" } });
    if (pending === 0) return;
    await drainDispatcher();
    await db.outboxJob.updateMany({ where: { status: "pending" }, data: { runAt: new Date(0), lockedUntil: null } });
  }
}

describe("bounces and complaints fill the sender's own suppression list", () => {
  it("a hard bounce and a complaint add the recipient with reason and message; another customer's list stays empty", async () => {
    const a = await customer(20, "sup-a");
    const b = await customer(20, "sup-b", "sup-b.test");
    const bounced = await sendEmails(a.sender, [outgoingEmail("Bounced <Bounced@Resend.dev>")]);
    const complained = await sendEmails(a.sender, [outgoingEmail("complained@resend.dev")]);
    await waitForStatus(bounced.emails[0]!.id, "bounced");
    await waitForStatus(complained.emails[0]!.id, "complained");
    await until(
      () => listSuppressions(a.user.id),
      (page) => (page?.items.length ?? 0) === 2,
    );
    const page = await listSuppressions(a.user.id);
    expect(page!.items.map((e) => [e.address, e.reason, e.sendId])).toEqual(
      expect.arrayContaining([
        ["bounced@resend.dev", "bounce", bounced.emails[0]!.id],
        ["complained@resend.dev", "complaint", complained.emails[0]!.id],
      ]),
    );
    expect((await listSuppressions(b.user.id))!.items).toEqual([]);

    // The webhook repeated (same event again under a new svix id) changes nothing: still one entry each.
    const send = await db.emailSend.findUniqueOrThrow({ where: { id: bounced.emails[0]!.id } });
    const again = await resendWebhook(
      signedResendRequest({
        type: "email.bounced",
        created_at: new Date().toISOString(),
        data: {
          email_id: send.resendId,
          to: ["bounced@resend.dev"],
          bounce: { type: "Permanent", subType: "General", message: "x" },
        },
      }),
    );
    expect(again.status).toBe(200);
    expect(await db.suppression.count({ where: { customerId: a.customerId } })).toBe(2);
  });

  it("a transient bounce suppresses nothing", async () => {
    const c = await customer(5, "sup-transient");
    const sent = await sendEmails(c.sender, [outgoingEmail("soft@example.com")]);
    const send = await waitForStatus(sent.emails[0]!.id, "delivered");
    const response = await resendWebhook(
      signedResendRequest({
        type: "email.bounced",
        created_at: new Date(Date.now() + 1000).toISOString(),
        data: {
          email_id: send.resendId,
          to: ["soft@example.com"],
          bounce: { type: "Transient", subType: "MailboxFull", message: "full" },
        },
      }),
    );
    expect(response.status).toBe(200);
    expect(await db.suppression.count({ where: { customerId: c.customerId } })).toBe(0);
  });
});

describe("sending to suppressed recipients", () => {
  it("suppressed recipients are left out and not charged; all suppressed → 422 with nothing held; the API lists and removes", async () => {
    const a = await customer(20, "sup-send");
    const other = await customer(20, "sup-other", "sup-other.test");
    const first = await sendEmails(a.sender, [outgoingEmail("bounced+x@resend.dev")]);
    await waitForStatus(first.emails[0]!.id, "bounced");
    await until(
      () => db.suppression.count({ where: { customerId: a.customerId } }),
      (n) => n === 1,
    );
    const before = await mailkitCredits(a.customerId);

    // Partly suppressed (named form, other case): only the rest is sent and charged; the answer names the rest.
    const sent = await a.resend.emails.send({
      from: "Acme <hello@acme.test>",
      to: ["Someone <BOUNCED+x@resend.dev>", "ok@example.com"],
      cc: ["cc@example.com"],
      subject: "Partly",
      text: "Hi",
    });
    expect(sent.error).toBeNull();
    expect(sent.data).toMatchObject({ credits_charged: 2, suppressed: ["bounced+x@resend.dev"] });
    const row = await db.emailSend.findUniqueOrThrow({ where: { id: sent.data!.id } });
    expect(row).toMatchObject({ to: ["ok@example.com"], cc: ["cc@example.com"], cost: 2 });
    expect((await mailkitCredits(a.customerId)).available).toBe(before.available - 2);
    await waitForStatus(row.id, "delivered");
    // Resend never saw the suppressed recipient.
    const atResend = world.emulators.resend.messages({ to: "ok@example.com" }).filter((m) => m.subject === "Partly");
    expect(atResend.map((m) => m.to)).toEqual([["ok@example.com"]]);
    expect(world.emulators.resend.messages({ q: "bounced+x" }).filter((m) => m.subject === "Partly")).toEqual([]);

    // Every `to` suppressed: 422 naming them, nothing held, no send recorded.
    const sendsBefore = await db.emailSend.count({ where: { customerId: a.customerId } });
    const refused = await a.resend.emails.send({
      from: "Acme <hello@acme.test>",
      to: "bounced+x@resend.dev",
      subject: "Refused",
      text: "Hi",
    });
    expect(refused.data).toBeNull();
    expect(refused.error).toMatchObject({ statusCode: 422, name: "recipients_suppressed" });
    expect(refused.error!.message).toContain("bounced+x@resend.dev");
    expect(await db.emailSend.count({ where: { customerId: a.customerId } })).toBe(sendsBefore);
    const afterRefusal = await mailkitCredits(a.customerId);
    expect(afterRefusal.reserved).toBe(0);
    expect(afterRefusal.available).toBe(before.available - 2);

    // Another customer's sends to the same address are not affected.
    const theirs = await other.resend.emails.send({
      from: "Other <hello@sup-other.test>",
      to: "bounced+x@resend.dev",
      subject: "Theirs",
      text: "Hi",
    });
    expect(theirs.error).toBeNull();
    expect(theirs.data).not.toHaveProperty("suppressed");

    // Batch: decided per email; an email with no `to` left refuses the whole (all-or-nothing) batch.
    const batch = await a.resend.batch.send([
      { from: "Acme <hello@acme.test>", to: ["bounced+x@resend.dev", "b1@example.com"], subject: "B1", text: "Hi" },
      { from: "Acme <hello@acme.test>", to: ["b2@example.com"], subject: "B2", text: "Hi" },
    ]);
    expect(batch.error).toBeNull();
    const batchBody = batch.data as unknown as {
      data: { id: string; suppressed?: string[] }[];
      credits_charged: number;
    };
    expect(batchBody.credits_charged).toBe(2);
    expect(batchBody.data[0]!.suppressed).toEqual(["bounced+x@resend.dev"]);
    expect(batchBody.data[1]).not.toHaveProperty("suppressed");
    const refusedBatch = await a.resend.batch.send([
      { from: "Acme <hello@acme.test>", to: ["b3@example.com"], subject: "B3", text: "Hi" },
      { from: "Acme <hello@acme.test>", to: ["bounced+x@resend.dev"], subject: "B4", text: "Hi" },
    ]);
    expect(refusedBatch.error).toMatchObject({ statusCode: 422, name: "recipients_suppressed" });
    expect((await mailkitCredits(a.customerId)).available).toBe(before.available - 4);

    // The dashboard's pipeline answers the same refusal as a typed error.
    await expect(sendEmails(a.sender, [outgoingEmail("bounced+x@resend.dev")])).rejects.toBeInstanceOf(
      AllRecipientsSuppressedError,
    );

    // The API: list (with search), get, remove; after removal the address is sent to and charged again.
    const list = await a.resend.suppressions.list();
    expect(list.error).toBeNull();
    expect(list.data!.data).toEqual([
      expect.objectContaining({ email: "bounced+x@resend.dev", origin: "bounce", source_id: first.emails[0]!.id }),
    ]);
    const search = (q: string) =>
      fetch(`${world.app.apiBase}/suppressions?search=${q}`, { headers: { authorization: `Bearer ${a.token}` } })
        .then((r) => r.json() as Promise<{ data: { email: string }[] }>)
        .then((body) => body.data.map((e) => e.email));
    expect(await search("nomatch")).toEqual([]);
    expect(await search("BOUNCED")).toEqual(["bounced+x@resend.dev"]);
    expect((await a.resend.suppressions.get("bounced+x@resend.dev")).data).toMatchObject({ object: "suppression" });
    expect((await other.resend.suppressions.remove("bounced+x@resend.dev")).error).toMatchObject({ statusCode: 404 });
    const removed = await a.resend.suppressions.remove("bounced+x@resend.dev");
    expect(removed.data).toMatchObject({ object: "suppression", deleted: true });
    const resent = await a.resend.emails.send({
      from: "Acme <hello@acme.test>",
      to: "bounced+x@resend.dev",
      subject: "Again",
      text: "Hi",
    });
    expect(resent.error).toBeNull();
    expect(resent.data).toMatchObject({ credits_charged: 1 });
    expect(resent.data).not.toHaveProperty("suppressed");
  });
});

describe("credit-back of emails Resend suppressed or failed after accepting them", () => {
  it("email.suppressed credits the email back in Dodo exactly once, even when the webhook repeats", async () => {
    const c = await customer(10, "credit-back");
    const sent = await sendEmails(c.sender, [outgoingEmail("suppressed@resend.dev")]);
    const id = sent.emails[0]!.id;
    await waitForStatus(id, "suppressed");
    await world.emulators.resend.idle();
    await settleOutbox(); // the debit posts; the credit-back job runs
    await runCreditBacks();
    expect(await db.creditBack.findUniqueOrThrow({ where: { sendId: id } })).toMatchObject({
      status: "done",
      credits: 1,
      reason: "suppressed",
    });
    expect(await dodoCreditBacks(c.customerId, id)).toHaveLength(1);

    // The same webhook delivered again, and the same event under a new svix id: no second credit.
    const delivery = world.emulators.resend.webhooks.deliveries.find(
      (d) => d.type === "email.suppressed" && d.body.includes(id),
    )!;
    world.emulators.resend.webhooks.redeliver(delivery.id);
    await world.emulators.resend.idle();
    const send = await db.emailSend.findUniqueOrThrow({ where: { id } });
    await resendWebhook(
      signedResendRequest({
        type: "email.suppressed",
        created_at: new Date().toISOString(),
        data: { email_id: send.resendId, to: ["suppressed@resend.dev"], suppressed: { type: "x", message: "y" } },
      }),
    );
    await settleOutbox();
    await runCreditBacks();
    expect(await db.creditBack.count({ where: { sendId: id } })).toBe(1);
    expect(await dodoCreditBacks(c.customerId, id)).toHaveLength(1);
    await runRequestedSyncs();
    expect(await dodoBalance(world, c.customerId)).toBe(10);
    expect((await mailkitCredits(c.customerId)).available).toBe(10);
    expect((await creditBacksOf([id])).get(id)).toMatchObject({ status: "done", credits: 1 });
  });

  it("email.failed after acceptance, before the email's debit is even cut: credited once, the debit still posts once", async () => {
    const c = await customer(10, "credit-back-failed");
    const sent = await sendEmails(c.sender, [outgoingEmail(["f1@example.com", "f2@example.com"])]);
    const id = sent.emails[0]!.id;
    const send = await waitForStatus(id, "delivered");
    // The failure reaches MailKit before any delivery outcome (a delivered email's failure refunds nothing).
    await db.emailSend.update({ where: { id }, data: { status: "sent" } });
    expect(await db.unbilledSend.count({ where: { sendId: id } })).toBe(1); // its debit is not cut yet
    const failed = {
      type: "email.failed",
      created_at: new Date().toISOString(),
      data: {
        email_id: send.resendId,
        to: ["f1@example.com", "f2@example.com"],
        failed: { reason: "reached_daily_quota" },
      },
    };
    expect((await resendWebhook(signedResendRequest(failed))).status).toBe(200);
    expect((await resendWebhook(signedResendRequest(failed))).status).toBe(200); // the same event again, new svix id
    await runCreditBacks();
    expect(await db.creditBack.findUniqueOrThrow({ where: { sendId: id } })).toMatchObject({
      status: "done",
      credits: 2,
      reason: "failed",
    });
    expect(await dodoBalance(world, c.customerId)).toBe(12); // credited before its debit reached Dodo
    await flushAllDebits();
    await runRequestedSyncs();
    expect(await dodoBalance(world, c.customerId)).toBe(10);
    expect(await dodoCreditBacks(c.customerId, id)).toHaveLength(1);
    expect((await mailkitCredits(c.customerId)).available).toBe(10);
  });
});

describe("the suppression endpoints take any input without a 5xx", () => {
  it("any query, reference or body answers JSON below 500, and a sending-only key is refused", async () => {
    const a = await customer(1, "sup-fuzz");
    const auth = { authorization: `Bearer ${a.token}` };
    const nasty = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.emailAddress(),
      fc.constantFrom("", " ", "\u0000", "\uD800", "%00", "%FF", "x".repeat(2000), "A <b@c.com>"),
    );
    const expectJsonBelow500 = async (response: Response) => {
      const text = await response.text();
      expect(response.status, text).toBeLessThan(500);
      expect(() => JSON.parse(text)).not.toThrow();
    };
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom("limit", "after", "before", "origin", "search", "x"), nasty, { maxKeys: 3 }),
        async (params) => {
          const url = new URL(`${world.app.apiBase}/suppressions`);
          for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
          await expectJsonBelow500(await suppressionsRoute.GET(new Request(url, { headers: auth })));
        },
      ),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(nasty, fc.boolean(), async (ref, remove) => {
        const request = new Request(`${world.app.apiBase}/suppressions/x`, {
          method: remove ? "DELETE" : "GET",
          headers: auth,
        });
        const context = { params: Promise.resolve({ id_or_email: ref }) };
        await expectJsonBelow500(
          await (remove ? suppressionRoute.DELETE(request, context) : suppressionRoute.GET(request, context)),
        );
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
          nasty,
        ),
        async (body) => {
          await expectJsonBelow500(
            await suppressionsRoute.POST(
              new Request(`${world.app.apiBase}/suppressions`, {
                method: "POST",
                headers: { ...auth, "content-type": "application/json" },
                body,
              }),
            ),
          );
        },
      ),
      { numRuns: 150 },
    );
    const sendingOnly = await createApiKey(a.user.id, { name: "s", permission: "sending_access" });
    const restricted = await suppressionsRoute.GET(
      new Request(`${world.app.apiBase}/suppressions`, { headers: { authorization: `Bearer ${sendingOnly.token}` } }),
    );
    expect(restricted.status).toBe(401);
    expect(await restricted.json()).toMatchObject({ name: "restricted_api_key" });
  });
});
