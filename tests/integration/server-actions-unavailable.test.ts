import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { requestMagicLink } from "@/app/(auth)/signin/actions";
import { cancelPlanAction, saveAlertAction, saveAutoTopUpAction } from "@/app/(dashboard)/dashboard/billing/actions";
import { addDomainAction, removeDomainAction, verifyDomainAction } from "@/app/(dashboard)/dashboard/domains/actions";
import { setTrackingAction } from "@/app/(dashboard)/dashboard/deliverability/actions";
import { createKeyAction, renameKeyAction, revokeKeyAction } from "@/app/(dashboard)/dashboard/keys/actions";
import { cancelEmailAction } from "@/app/(dashboard)/dashboard/messages/[id]/actions";
import { sendEmailAction } from "@/app/(dashboard)/dashboard/send/actions";
import { removeSuppressionAction } from "@/app/(dashboard)/dashboard/suppressions/actions";
import {
  createEndpointAction,
  deleteEndpointAction,
  replayDeliveryAction,
  replaySinceAction,
  retryNowAction,
  rotateSecretAction,
  setEndpointStatusAction,
} from "@/app/(dashboard)/dashboard/webhooks/actions";
import { createApiKey } from "@/lib/keys/api-keys";
import { db, getDatabase, setDatabaseForTests, type Database } from "@/lib/db";
import { UNAVAILABLE_ACTION_MESSAGE } from "@/lib/http/action-result";
import { addSuppression } from "@/lib/suppressions";
import { configureWebhooks, createEndpoint } from "@/lib/webhooks";

import { createFundedUser, withTestWorld } from "./helpers/environment";
import {
  actingAs,
  databaseFingerprint,
  redirectTarget,
  startingUpDatabase,
  starvedDatabase,
} from "./helpers/server-actions";

vi.mock("@/lib/auth", async () => (await import("./helpers/server-actions")).mockedAuthModule());
vi.mock("next/cache", async (original) => (await import("./helpers/server-actions")).mockedCache(await original()));
vi.mock("next/headers", async (original) => (await import("./helpers/server-actions")).mockedHeaders(await original()));

/**
 * Server actions while the database cannot serve (starting up, 57P03; on PostgreSQL also a starved pool whose
 * connection timeout expires): where a route handler answers 503 with Retry-After, each action answers the
 * state its form shows, "temporarily unavailable, try again", never a throw (Next.js's 500 and error page).
 * Nothing changes; once the database is back the same form goes through.
 */

const world = withTestWorld();
const onPostgres = process.env.MAILKIT_TEST_DATABASE === "postgres";

let userId: string;
/** Each action with the form its page sends, filled in properly for the signed-in user's own rows. */
let calls: [name: string, call: () => Promise<unknown>][];

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value]) data.append(name, one);
  return data;
}

beforeAll(async () => {
  configureWebhooks({ resolve: async () => [{ address: "93.184.216.34", family: 4 }] });
  const { user, customerId } = await createFundedUser(world, 100, "outage", { domain: "outage.test" });
  userId = user.id;
  await createApiKey(userId, { name: "outage", permission: "full_access" });
  const key = await db.apiKey.findFirstOrThrow({ where: { userId } });
  const suppression = await addSuppression({ userId, customerId }, "bounced@example.com");
  const { endpoint } = await createEndpoint(userId, {
    endpoint: "https://hooks.example.com/o",
    events: ["email.sent"],
  });
  const delivery = await db.webhookDelivery.create({
    data: {
      endpointId: endpoint.id,
      eventType: "email.sent",
      eventId: "msg_outage",
      payload: { type: "email.sent", created_at: new Date().toISOString(), data: {} },
      status: "succeeded",
      attempts: 1,
      completedAt: new Date(),
    },
  });
  const domain = await db.senderDomain.findUniqueOrThrow({ where: { name: "outage.test" } });
  const idle = { status: "idle" } as const;
  calls = [
    [
      "sendEmailAction",
      () =>
        sendEmailAction(
          idle,
          form({ from: "hello@outage.test", to: "delivered@resend.dev", subject: "Hi", format: "text", body: "Hi" }),
        ),
    ],
    ["createKeyAction", () => createKeyAction(idle, form({ name: "CI", permission: "full_access" }))],
    ["revokeKeyAction", () => revokeKeyAction(form({ id: key.id }))],
    ["removeSuppressionAction", () => removeSuppressionAction(form({ id: suppression.id }))],
    [
      "saveAutoTopUpAction",
      () => saveAutoTopUpAction(idle, form({ enabled: "on", threshold: "100", packs: "1", monthlyCap: "5" })),
    ],
    ["saveAlertAction", () => saveAlertAction(idle, form({ threshold: "50", recipients: "ops@example.com" }))],
    ["cancelPlanAction", () => cancelPlanAction()],
    ["addDomainAction", () => addDomainAction(idle, form({ name: "new.outage.test", region: "us-east-1" }))],
    ["verifyDomainAction", () => verifyDomainAction(idle, form({ id: domain.id }))],
    ["removeDomainAction", () => removeDomainAction(form({ id: domain.id }))],
    [
      "createEndpointAction",
      () => createEndpointAction(idle, form({ url: "https://hooks.example.com/new", events: ["email.sent"] })),
    ],
    ["rotateSecretAction", () => rotateSecretAction(idle, form({ id: endpoint.id }))],
    ["setEndpointStatusAction", () => setEndpointStatusAction(form({ id: endpoint.id, status: "disabled" }))],
    ["deleteEndpointAction", () => deleteEndpointAction(form({ id: endpoint.id }))],
    ["replayDeliveryAction", () => replayDeliveryAction(form({ id: delivery.id }))],
    ["replaySinceAction", () => replaySinceAction(form({ id: endpoint.id, hours: "24" }))],
    ["retryNowAction", () => retryNowAction(form({ id: delivery.id }))],
    ["renameKeyAction", () => renameKeyAction({ status: "idle" }, form({ id: key.id, name: "Renamed" }))],
    ["cancelEmailAction", () => cancelEmailAction(idle, form({ id: "0aeedd49-9385-41d9-88b5-7c44b3de883e" }))],
    ["setTrackingAction", () => setTrackingAction(idle, form({ id: domain.id, openTracking: "on" }))],
  ];
});

let restore: (() => Promise<void>) | undefined;
afterEach(async () => {
  await restore?.();
  restore = undefined;
  actingAs.userId = undefined;
  actingAs.sessionCookie = false;
});

async function install(broken: Database) {
  const original = getDatabase();
  setDatabaseForTests(broken);
  restore = async () => {
    setDatabaseForTests(original);
    await broken.close();
  };
}

/** What the user sees: the form's state, the button's refusal or the sign-in page's notice. */
function shownMessage(outcome: { value?: unknown; thrown?: unknown }): string | undefined {
  if ("thrown" in outcome) {
    const to = redirectTarget(outcome.thrown);
    if (to === undefined) throw outcome.thrown;
    return to;
  }
  const value = outcome.value as Record<string, unknown>;
  // A form with one field shows it under that field (the key's new name).
  return (value.message ?? value.error ?? (value.errors as { name?: string } | undefined)?.name) as string | undefined;
}

async function everyActionSaysUnavailable() {
  const outcomes: Record<string, string | undefined> = {};
  for (const [name, call] of calls)
    outcomes[name] = shownMessage(
      await call().then(
        (value) => ({ value }),
        (thrown: unknown) => ({ thrown }),
      ),
    );
  outcomes.requestMagicLink = shownMessage(
    await requestMagicLink(form({ email: "someone@example.com", callbackUrl: "/dashboard" })).then(
      (value) => ({ value }),
      (thrown: unknown) => ({ thrown }),
    ),
  );
  const expected = Object.fromEntries(calls.map(([name]) => [name, UNAVAILABLE_ACTION_MESSAGE]));
  expect(outcomes).toEqual({ ...expected, requestMagicLink: "/signin?error=unavailable" });
}

describe("server actions while the database cannot serve", () => {
  it.each([
    ["signed in, the first statement fails", true],
    ["Auth.js could not read the session (it answers none) and the request carries the session cookie", false],
  ])("starting up (57P03), %s: every action says 'temporarily unavailable', nothing changes", async (_, signed) => {
    const before = await databaseFingerprint();
    actingAs.userId = signed ? userId : undefined;
    actingAs.sessionCookie = true;
    await install(startingUpDatabase());
    await everyActionSaysUnavailable();
    await restore!();
    restore = undefined;
    expect(await databaseFingerprint()).toEqual(before);
    expect(actingAs.signIns).toEqual([]);
  });

  it.runIf(onPostgres)("a starved pool (connection timeout): the same, then the same form goes through", async () => {
    const before = await databaseFingerprint();
    actingAs.userId = userId;
    await install(await starvedDatabase(process.env.DATABASE_URL!));
    await everyActionSaysUnavailable();
    await restore!();
    restore = undefined;
    expect(await databaseFingerprint()).toEqual(before);
    const again = await calls.find(([name]) => name === "createKeyAction")![1]();
    expect(again).toMatchObject({ status: "created", name: "CI" });
  });

  it("once the database answers, the same form goes through", async () => {
    actingAs.userId = userId;
    const again = await calls.find(([name]) => name === "saveAlertAction")![1]();
    expect(again).toMatchObject({ status: "saved" });
  });

  it("a signed-out visitor (no session cookie) is still sent to sign in, without asking the database", async () => {
    await install(startingUpDatabase());
    const outcome = await createKeyAction({ status: "idle" }, form({ name: "x", permission: "full_access" })).then(
      (value) => ({ value }),
      (thrown: unknown) => ({ thrown }),
    );
    expect(shownMessage(outcome)).toBe("/signin?callbackUrl=%2Fdashboard%2Fkeys");
  });
});
