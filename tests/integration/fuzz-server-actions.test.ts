import { readdirSync } from "node:fs";
import { join } from "node:path";

import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";

import { requestMagicLink } from "@/app/(auth)/signin/actions";
import { signOutAction } from "@/app/(dashboard)/dashboard/actions";
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
import { db } from "@/lib/db";
import { addSuppression } from "@/lib/suppressions";
import { configureWebhooks, createEndpoint } from "@/lib/webhooks";

import { createFundedUser, withTestWorld } from "./helpers/environment";
import { accountFingerprint, actingAs, databaseFingerprint, redirectTarget } from "./helpers/server-actions";

vi.mock("@/lib/auth", async () => (await import("./helpers/server-actions")).mockedAuthModule());
vi.mock("next/cache", async (original) => (await import("./helpers/server-actions")).mockedCache(await original()));
vi.mock("next/headers", async (original) => (await import("./helpers/server-actions")).mockedHeaders(await original()));

/**
 * Property-based fuzzing of every server action of the dashboard and the sign-in page, called as Next.js calls
 * them once it has decoded a request, with what a hostile client can put there: NUL, lone surrogates, huge
 * strings, files where text is expected, repeated fields, arguments that are not forms at all, and the ids of
 * another account's keys, domains, suppressions, endpoints and deliveries. Every call must end in a state, a
 * result or a redirect (never a throw, which Next.js answers with a 500); a refusal says why and changes nothing
 * in the database; the other account's rows never change. FUZZ_SEED=n replays a run; FUZZ_SCALE=2 doubles it.
 */

const world = withTestWorld();
vi.setConfig({ testTimeout: 180_000 });
const scale = Number(process.env.FUZZ_SCALE ?? 1);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const runs = (n: number) => ({ numRuns: Math.round(n * scale), seed, endOnFailure: true });

let cases = 0;
/** Calls each action saw accepted: a property that only ever refused would prove little. */
const accepted = new Map<string, number>();

/** The signed-in user whose actions are fuzzed, and another account whose rows they must never reach. */
let self: { userId: string; ids: string[] };
let other: { userId: string; ids: string[] };

beforeAll(async () => {
  // Offline machines: endpoint hosts resolve to a public address, as on the internet.
  configureWebhooks({ resolve: async () => [{ address: "93.184.216.34", family: 4 }] });
  self = await accountWithRows("fuzz-self", "fuzz-self.test");
  other = await accountWithRows("fuzz-other", "fuzz-other.test");
});

/** A funded user with a verified domain, an API key, a suppression, an enabled and a disabled endpoint with a
 * delivered event each. Returns the ids a form could name. */
async function accountWithRows(label: string, domain: string) {
  const { user, customerId } = await createFundedUser(world, 1_000, label, { domain });
  const key = await createApiKey(user.id, { name: label, permission: "full_access" });
  const suppression = await addSuppression({ userId: user.id, customerId }, `bounced-${label}@example.com`);
  const enabled = await createEndpoint(user.id, {
    endpoint: `https://hooks.example.com/${label}`,
    events: ["email.sent"],
  });
  const disabled = await createEndpoint(user.id, {
    endpoint: `https://hooks.example.com/${label}-off`,
    events: ["email.sent"],
  });
  await db.webhookEndpoint.update({ where: { id: disabled.endpoint.id }, data: { status: "disabled" } });
  const deliveries = await Promise.all(
    [enabled, disabled].map(({ endpoint }, n) =>
      db.webhookDelivery.create({
        data: {
          endpointId: endpoint.id,
          eventType: "email.sent",
          eventId: `msg_${label}_${n}`,
          payload: { type: "email.sent", created_at: new Date().toISOString(), data: {} },
          status: "succeeded",
          attempts: 1,
          completedAt: new Date(),
        },
      }),
    ),
  );
  const domainRow = await db.senderDomain.findUniqueOrThrow({ where: { name: domain } });
  const keyRow = await db.apiKey.findFirstOrThrow({ where: { userId: user.id, name: label } });
  const ids = [
    keyRow.id,
    suppression.id,
    suppression.address,
    domainRow.id,
    enabled.endpoint.id,
    disabled.endpoint.id,
    ...deliveries.map((d) => d.id),
  ];
  expect(key.token).toMatch(/^mk_/);
  return { userId: user.id, ids };
}

// ---- arbitraries ------------------------------------------------------------------------------------------

/** Any UTF-16 code unit, lone surrogates and NUL included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: codeUnit, maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\uD800",
    "x\uDFFFy",
    "a\r\nBcc: x@evil.test",
    "%00",
    "%FF",
    "' OR 1=1 --",
    "x".repeat(3000),
    "y".repeat(200_000),
  ),
);

/** One form field's value: text, or a file where text is expected. */
type FieldValue = string | Blob;
const fileValue = fc.constantFrom(new Blob(["x"]), new File(["\u0000"], "a\u0000.txt", { type: "text/plain" }));

/** An id field: another account's ids most of all, the user's own now and then, or anything at all. */
const idValue = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...other.ids) },
    { weight: 1, arbitrary: fc.constantFrom(...self.ids) },
    { weight: 3, arbitrary: nastyString },
    { weight: 1, arbitrary: fc.uuid() },
  );

/**
 * A form: each field absent, once or repeated, each value sometimes what the page would send (`valid`), mostly
 * hostile. One in eight calls passes something that is not a form at all.
 */
function formArg(fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<unknown> {
  const entries = Object.entries(fields).map(([name, valid]) =>
    fc
      .array(fc.oneof({ weight: 3, arbitrary: valid }, { weight: 3, arbitrary: nastyString }, fileValue), {
        minLength: 0,
        maxLength: 2,
      })
      .map((values) => [name, values] as [string, FieldValue[]]),
  );
  const extra = fc.array(fc.tuple(nastyString, fc.oneof(nastyString, fileValue)), { maxLength: 2 });
  const form = fc.tuple(fc.tuple(...entries), extra).map(([named, more]) => {
    const data = new FormData();
    for (const [name, values] of named) for (const value of values) data.append(name, value);
    for (const [name, value] of more) data.append(name, value);
    return data;
  });
  const notAForm = fc.oneof(
    fc.constantFrom(null, undefined, 42, "id=1", ["x"], { id: other?.ids[0] }, new Map()),
    fc.jsonValue({ maxDepth: 2 }),
  );
  // The form the page would send, so that the property reaches past validation too: often enough that every
  // action with a form gets some accepted in each run (a third of these sends pass the sender and suppression rules).
  const proper = fc.record(fields).map((values) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(values)) data.append(name, value);
    return data;
  });
  return fc.oneof({ weight: 6, arbitrary: form }, { weight: 4, arbitrary: proper }, { weight: 1, arbitrary: notAForm });
}

// ---- the actions ------------------------------------------------------------------------------------------

type ActionCase = {
  name: string;
  /** What the page's form sends when filled in properly (ids come from idValue). */
  fields: () => Record<string, fc.Arbitrary<string>>;
  call: (form: unknown, previous: unknown) => Promise<unknown>;
  runs: number;
};

const valid = {
  text: (...values: string[]) => fc.constantFrom(...values),
};

// Server actions' arguments are whatever the client sent: the casts say so.
type AnyAction = (...args: unknown[]) => Promise<unknown>;
const formAction = (action: unknown) => (form: unknown, previous: unknown) => (action as AnyAction)(previous, form);
const buttonAction = (action: unknown) => (form: unknown) => (action as AnyAction)(form);

const ACTIONS: ActionCase[] = [
  {
    name: "sendEmailAction",
    fields: () => ({
      from: valid.text("Acme <hello@fuzz-self.test>", "hello@fuzz-other.test"),
      to: valid.text("delivered@resend.dev", "a@x.test, b@x.test", "bounced-fuzz-self@example.com"),
      subject: valid.text("Hello"),
      format: valid.text("text", "html"),
      body: valid.text("Hi", "<p>Hi</p>"),
    }),
    call: formAction(sendEmailAction),
    runs: 100,
  },
  {
    name: "createKeyAction",
    fields: () => ({ name: valid.text("CI", "Production"), permission: valid.text("full_access", "sending_access") }),
    call: formAction(createKeyAction),
    runs: 60,
  },
  { name: "revokeKeyAction", fields: () => ({ id: idValue() }), call: buttonAction(revokeKeyAction), runs: 60 },
  {
    name: "renameKeyAction",
    fields: () => ({ id: idValue(), name: valid.text("Renamed", "CI") }),
    call: formAction(renameKeyAction),
    runs: 50,
  },
  { name: "cancelEmailAction", fields: () => ({ id: idValue() }), call: formAction(cancelEmailAction), runs: 40 },
  {
    name: "setTrackingAction",
    fields: () => ({ id: idValue(), openTracking: valid.text("on", ""), clickTracking: valid.text("on", "") }),
    call: formAction(setTrackingAction),
    runs: 40,
  },
  {
    name: "removeSuppressionAction",
    fields: () => ({ id: idValue() }),
    call: buttonAction(removeSuppressionAction),
    runs: 60,
  },
  {
    name: "saveAutoTopUpAction",
    fields: () => ({
      enabled: valid.text("on", ""),
      threshold: valid.text("100", "0"),
      packs: valid.text("1", "3"),
      monthlyCap: valid.text("5"),
    }),
    call: formAction(saveAutoTopUpAction),
    runs: 60,
  },
  {
    name: "saveAlertAction",
    fields: () => ({ threshold: valid.text("100", ""), recipients: valid.text("ops@example.com", "") }),
    call: formAction(saveAlertAction),
    runs: 60,
  },
  { name: "cancelPlanAction", fields: () => ({}), call: buttonAction(cancelPlanAction), runs: 20 },
  {
    name: "addDomainAction",
    fields: () => ({
      name: fc.oneof(
        fc.integer({ min: 1, max: 1e6 }).map((n) => `fuzz${n}.test`),
        valid.text("fuzz-other.test"),
      ),
      region: valid.text("us-east-1", "eu-west-1"),
    }),
    call: formAction(addDomainAction),
    runs: 60,
  },
  { name: "verifyDomainAction", fields: () => ({ id: idValue() }), call: formAction(verifyDomainAction), runs: 50 },
  { name: "removeDomainAction", fields: () => ({ id: idValue() }), call: buttonAction(removeDomainAction), runs: 50 },
  {
    name: "createEndpointAction",
    fields: () => ({
      url: valid.text("https://hooks.example.com/new", "http://169.254.169.254/x"),
      events: valid.text("email.sent", "domain.updated"),
    }),
    call: formAction(createEndpointAction),
    runs: 60,
  },
  { name: "rotateSecretAction", fields: () => ({ id: idValue() }), call: formAction(rotateSecretAction), runs: 50 },
  {
    name: "setEndpointStatusAction",
    fields: () => ({ id: idValue(), status: valid.text("enabled", "disabled") }),
    call: buttonAction(setEndpointStatusAction),
    runs: 60,
  },
  {
    name: "deleteEndpointAction",
    fields: () => ({ id: idValue() }),
    call: buttonAction(deleteEndpointAction),
    runs: 50,
  },
  {
    name: "replayDeliveryAction",
    fields: () => ({ id: idValue() }),
    call: buttonAction(replayDeliveryAction),
    runs: 70,
  },
  // A retried event is attempted at once: few runs, since an offline attempt waits for its timeout.
  { name: "retryNowAction", fields: () => ({ id: idValue() }), call: buttonAction(retryNowAction), runs: 15 },
  {
    name: "replaySinceAction",
    fields: () => ({ id: idValue(), hours: valid.text("24", "720") }),
    call: buttonAction(replaySinceAction),
    runs: 60,
  },
  {
    name: "requestMagicLink",
    fields: () => ({
      email: valid.text("fuzz@example.com", "FUZZ@Example.com "),
      callbackUrl: valid.text("/dashboard/keys", "//evil.test", "/.//evil.test", "https://evil.test/"),
    }),
    call: buttonAction(requestMagicLink),
    runs: 60,
  },
  { name: "signOutAction", fields: () => ({}), call: buttonAction(signOutAction), runs: 20 },
];

// ---- invariants -------------------------------------------------------------------------------------------

const ACCEPTED_STATUSES = new Set(["created", "saved", "sent", "added", "done", "rotated", "renamed", "canceled"]);
/** Refusals that are clear without a message of their own: the composer shows these with their numbers. */
const SELF_EXPLAINING_STATUSES = new Set(["insufficient", "suppressed"]);

type Verdict = { accepted: boolean; why: string };

/** What the user would see, judged: accepted, or refused with something to read. Throws on anything else. */
function judge(name: string, outcome: { value?: unknown; thrown?: unknown }, signedIn: boolean): Verdict {
  if ("thrown" in outcome) {
    const to = redirectTarget(outcome.thrown);
    if (to === undefined) throw outcome.thrown; // Next.js would answer 500: the property fails with the error
    if (name === "signOutAction") {
      expect(to).toBe("/");
      return { accepted: false, why: "signed out" };
    }
    if (!signedIn && name !== "requestMagicLink") {
      expect(to).toMatch(/^\/signin\?callbackUrl=%2F/);
      return { accepted: false, why: "signed out" };
    }
    expect(name).toBe("requestMagicLink");
    if (to === "/signin/check-email") return { accepted: true, why: "link sent" };
    expect(to).toMatch(/^\/signin\?error=(invalid_email|rate_limited)$/);
    return { accepted: false, why: to };
  }
  const value = outcome.value as Record<string, unknown> | null | undefined;
  expect(value, `${name} answered nothing`).toBeTypeOf("object");
  if ("ok" in value!) {
    if (value.ok === true) return { accepted: true, why: "ok" };
    expect(value.message).toMatch(/\S/);
    return { accepted: false, why: String(value.message) };
  }
  const status = String(value!.status);
  if (ACCEPTED_STATUSES.has(status)) return { accepted: true, why: status };
  if (SELF_EXPLAINING_STATUSES.has(status)) return { accepted: false, why: status };
  const messages = [
    value!.message,
    value!.error,
    ...Object.values({ ...(value!.errors ?? {}), ...(value!.fieldErrors ?? {}) }),
  ];
  expect(
    messages.some((m) => typeof m === "string" && /\S/.test(m)),
    `${name} refused without saying why: ${JSON.stringify(value).slice(0, 300)}`,
  ).toBe(true);
  return { accepted: false, why: status };
}

/** The database as the previous case left it. */
let baseline: Record<string, string> | undefined;
let otherBaseline: string | undefined;

async function check(action: ActionCase, form: unknown, previous: unknown, signedIn: boolean) {
  cases++;
  baseline ??= await databaseFingerprint();
  otherBaseline ??= await accountFingerprint(other.userId);
  actingAs.userId = signedIn ? self.userId : undefined;
  const signIns = actingAs.signIns.length;
  const outcome = await action.call(form, previous).then(
    (value) => ({ value }),
    (thrown: unknown) => ({ thrown }),
  );
  const verdict = judge(action.name, outcome, signedIn);
  // The other account is out of reach whatever happened.
  expect(await accountFingerprint(other.userId), `${action.name} changed another account's rows`).toBe(otherBaseline);
  const after = await databaseFingerprint();
  if (verdict.accepted) {
    accepted.set(action.name, (accepted.get(action.name) ?? 0) + 1);
    baseline = after;
    return;
  }
  expect(after, `${action.name} refused (${verdict.why}) but changed the database`).toEqual(baseline);
  expect(actingAs.signIns.length).toBe(signIns);
}

// ---- properties -------------------------------------------------------------------------------------------

describe("fuzzing the server actions", () => {
  it.each(ACTIONS.map((a) => [a.name, a] as const))("%s", async (_, action) => {
    const previous = fc.oneof(fc.constant({ status: "idle" }), fc.jsonValue({ maxDepth: 1 }));
    // One call in ten is made signed out: the action sends to the sign-in page and changes nothing.
    const signedIn = fc.nat({ max: 9 }).map((n) => n > 0);
    baseline = otherBaseline = undefined;
    await fc.assert(
      fc.asyncProperty(formArg(action.fields()), previous, signedIn, async (form, state, session) => {
        await check(action, form, state, session);
      }),
      runs(action.runs),
    );
  });

  it("every sign-in link asked for goes back to a path on MailKit", () => {
    for (const { redirectTo } of actingAs.signIns) expect(redirectTo).toMatch(/^\/(?![/\\])/);
  });
});

describe("fuzz suite coverage (server actions)", () => {
  it("fuzzes every server action the app exports (a new one fails here until it is added)", async () => {
    const exported: string[] = [];
    for (const file of actionModules(join(process.cwd(), "app"))) {
      const actions = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(actions)) if (typeof value === "function") exported.push(name);
    }
    expect(exported.length).toBeGreaterThan(10);
    expect(ACTIONS.map((a) => a.name).sort()).toEqual(expect.arrayContaining(exported.sort()));
  });
});

/** Every `actions.ts` under `dir` ("use server" modules: each export is a server action). */
function actionModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return actionModules(path);
    return entry.name === "actions.ts" ? [path] : [];
  });
}

describe("fuzz suite size (server actions)", () => {
  it("ran at least 1,000 generated calls, and each form action accepted some", () => {
    console.log(`[fuzz] ${cases} server action calls; accepted ${JSON.stringify(Object.fromEntries(accepted))}`);
    expect(cases).toBeGreaterThanOrEqual(1000 * Math.min(1, scale));
    // Reaching past validation: otherwise "no throw" would say nothing about the code behind it.
    for (const name of [
      "sendEmailAction",
      "createKeyAction",
      "saveAlertAction",
      "addDomainAction",
      "createEndpointAction",
      "requestMagicLink",
    ])
      expect(accepted.get(name) ?? 0, name).toBeGreaterThan(0);
  });
});
