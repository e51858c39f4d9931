import { describe, expect, it } from "vitest";

import { releaseDeliveryLeases } from "@/lib/background";
import { db } from "@/lib/db";
import { ACCEPTED_STATUSES } from "@/lib/mail/status";
import { heldLeases } from "@/lib/runtime/leases";
import { drainLoops, resetLoopsForTests } from "@/lib/runtime/loops";
import { sendEmails } from "@/lib/sending";
import { dispatchOne } from "@/lib/sending/dispatcher";

import { createFundedUser, outgoingEmail, resendAcceptsThenHangs, withTestWorld } from "./helpers/environment";

/**
 * Shutdown while a Resend call hangs past the drain: the process gives up the lease of the call it holds, and
 * another dispatcher takes it over at once — repeating it under the same idempotency key, so Resend (which
 * accepted the first attempt) sends nothing twice.
 */
const world = withTestWorld({ sending: { providerTimeoutMs: 5_000 } });

describe("graceful shutdown and delivery leases", () => {
  it("a stopping process claims nothing new, releases the lease it holds, and another dispatcher takes the call over at once", async () => {
    const { user, customerId } = await createFundedUser(world, 3, "shutdown");
    await sendEmails(
      { userId: user.id, customerId, source: "api" },
      ["one", "two", "three"].map((n) => outgoingEmail(`shutdown-${n}@example.com`)),
    );
    resendAcceptsThenHangs(world, "/emails/batch"); // Resend stores the emails; its answer never comes

    const stuck = dispatchOne(); // this process's call, in flight
    while (heldLeases().length === 0) await new Promise((r) => setTimeout(r, 20));
    while (world.emulators.resend.messages({ q: "shutdown-" }).length === 0)
      await new Promise((r) => setTimeout(r, 20));

    // Shutdown: passes drained (none of them can end this call in time), nothing new is claimed.
    await drainLoops(50);
    expect(await dispatchOne()).toBe(false);
    const held = heldLeases();
    expect(held).toHaveLength(1);
    await releaseDeliveryLeases(held);

    // Another process (here: the same code after a restart) takes the call over without waiting for the lease.
    resetLoopsForTests();
    const takeoverStarted = Date.now();
    expect(await dispatchOne()).toBe(true);
    expect(Date.now() - takeoverStarted).toBeLessThan(3_000); // the lease would have lasted 9 s
    await stuck;

    expect(world.emulators.resend.messages({ q: "shutdown-" })).toHaveLength(3);
    expect(await db.emailSend.count({ where: { customerId, status: { in: [...ACCEPTED_STATUSES] } } })).toBe(3);
    const call = await db.deliveryBatch.findUniqueOrThrow({ where: { id: held[0]! } });
    expect(call).toMatchObject({ status: "done", attempts: 2 });
  }, 60_000);
});
