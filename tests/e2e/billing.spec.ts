import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import DodoPayments from "dodopayments";

import { startWebhookReceiver } from "../support/webhook-receiver";

import {
  adjustBalance,
  dodoCustomer,
  emulator,
  payOnHostedCheckout,
  sendFromComposer,
  shot,
  signIn,
  subscribe,
  waitForEmail,
} from "./support/mailkit";

/**
 * Accounts and billing as a person does it: sign in through the inbox, subscribe on the hosted checkout,
 * top up, live through a renewal, drop below 20% and get warned — and a second person sees none of it.
 */
test.describe.configure({ mode: "serial" });

const owner = `owner-${Date.now()}@example.com`;

/** Dodo's API as an operator uses it (the emulator's, through the official SDK). */
const dodoApi = new DodoPayments({ bearerToken: "dodo_local_emulator_key", baseURL: `${emulator}/dodo` });

/** A new API key for the signed-in user, created on the API keys page. */
async function createApiKey(page: Page, name: string): Promise<string> {
  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill(name);
  await page.getByTestId("create-api-key").click();
  const token = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(token).toMatch(/^mk_/);
  return token;
}

/** Sends `count` emails to the user's own address through the public batch API (the onboarding sender). */
async function sendBatch(request: APIRequestContext, key: string, to: string, count: number): Promise<void> {
  const response = await request.post("/api/emails/batch", {
    headers: { authorization: `Bearer ${key}` },
    data: Array.from({ length: count }, (_, i) => ({
      from: "onboarding@resend.dev",
      to: [to],
      subject: `Pace ${i}`,
      text: "Seeding a sending history.",
    })),
  });
  expect(response.status(), await response.text()).toBe(200);
}

const utcDay = (date: Date) =>
  date.toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

test("runway and next expiry on a seeded history; the expiry warning is sent once", async ({ page }) => {
  test.setTimeout(360_000); // the expiry pass runs once a minute
  // MailKit compares Dodo's expiry dates with its own clock: this test runs before the renewal test below moves the
  // emulator's clock a month ahead.
  const clock = (await (await page.request.get(`${emulator}/_emulator/dodo/clock`)).json()) as { offset_ms: number };
  expect(clock.offset_ms, "the Dodo emulator's clock is within a day of real time").toBeLessThan(86_400_000);

  const email = `runway-${Date.now()}@example.com`;
  await signIn(page, email);
  await subscribe(page); // 5,000 plan credits, expiring in 31 days
  // Seeded history: an operator takes 4,000 (the plan's grant keeps 1,000), then grants 1,200 that expire in 2 days.
  await adjustBalance(page.request, email, -4_000);
  const customer = await dodoCustomer(page.request, email);
  const entitlementId = customer.balances.find((b) => b.name === "Email Credits")!.credit_entitlement_id;
  const expiresAt = new Date(Date.now() + clock.offset_ms + 2 * 86_400_000);
  await dodoApi.creditEntitlements.balances.createLedgerEntry(customer.customer_id, {
    credit_entitlement_id: entitlementId,
    entry_type: "credit",
    amount: "1200",
    expires_at: expiresAt.toISOString(),
    reason: "Goodwill credits",
  });

  // One warning for the grant that expires within 3 days, to the owner.
  const day = expiresAt.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
  const warning = await waitForEmail(page.request, email, /expire on/, 150_000);
  expect(warning.subject).toBe(`1,200 email credits expire on ${day}`);

  // 70 emails this week: 10 a day. The oldest grant (the plan's) is spent first; the seeded one keeps its 1,200.
  const key = await createApiKey(page, "Pace");
  await sendBatch(page.request, key, email, 70);
  const before = Date.now();
  await expect
    .poll(async () => (await page.goto("/dashboard"), await page.getByTestId("balance").textContent()), {
      timeout: 60_000,
    })
    .toBe("2,130");
  await expect(page.getByTestId("next-expiry")).toHaveText(`1,200 credits expire on ${utcDay(expiresAt)}.`);
  // 2,130 credits at 10 a day: 213 days from now (the day computed at either end of this check).
  const runway = (await page.getByTestId("runway").textContent()) ?? "";
  const expected = [before, Date.now()].map((t) => utcDay(new Date(t + 213 * 86_400_000)));
  expect(expected.map((d) => `At your 7-day pace (10 a day), credits last until ${d}.`)).toContain(
    runway.replace(/\s+/g, " ").trim(),
  );
  await shot(page, "overview-runway-seeded");

  // The sends re-synced the balance, so later passes read the grants again: still one warning.
  await page.waitForTimeout(65_000);
  const { data } = (await (
    await page.request.get(`${emulator}/_emulator/resend/messages?to=${encodeURIComponent(email)}`)
  ).json()) as { data: { subject: string }[] };
  expect(data.filter((m) => /expire on/.test(m.subject))).toHaveLength(1);
});

test("sign in, subscribe, top up, renew, low-balance warning", async ({ page }) => {
  test.setTimeout(120_000); // a long journey on 2 shared cores
  await signIn(page, owner);
  await expect(page.getByTestId("balance")).toHaveText("0");
  await expect(page.getByText("No credits yet")).toBeVisible();
  await shot(page, "dashboard-empty");

  // Subscribe: the hosted checkout, then back to a page that waits for Dodo's webhooks.
  await page.goto("/dashboard/billing");
  await shot(page, "billing-before");
  await page.getByTestId("subscribe-button").click();
  await shot(page, "checkout-plan");
  await payOnHostedCheckout(page);
  await expect(page).toHaveURL(/\/dashboard\/billing\/return\?.*subscription_id=sub_/);
  const subscriptionId = new URL(page.url()).searchParams.get("subscription_id")!;
  await expect(page.getByTestId("checkout-state")).toHaveText("Payment confirmed");
  await shot(page, "checkout-return-confirmed");

  await page.goto("/dashboard");
  await expect(page.getByTestId("balance")).toHaveText("5,000");
  await expect(page.getByText("active", { exact: true })).toBeVisible();
  const firstRenewal = await page.getByTestId("next-renewal").textContent();
  await shot(page, "dashboard-subscribed");

  // A top-up stacks on the plan's credits. Bought an hour into the cycle (the emulator's clock moves; still
  // renewal day), so its 31 days end an hour after the next renewal at the latest, whatever the month's length.
  const advanced = await page.request.post(`${emulator}/_emulator/dodo/clock/advance`, { data: { hours: 1 } });
  expect(advanced.ok(), await advanced.text()).toBe(true);
  await page.goto("/dashboard/billing");
  await page.getByTestId("top-up-button").first().click();
  await payOnHostedCheckout(page);
  await expect(page).toHaveURL(/payment_id=pay_/);
  await expect(page.getByTestId("checkout-state")).toHaveText("Payment confirmed");
  await page.goto("/dashboard/billing");
  await expect(page.getByTestId("balance")).toHaveText("10,000");
  await expect(page.getByTestId("grant-row")).toHaveCount(2);
  await shot(page, "billing-topped-up");

  // Spend 100 (an operator adjustment), then renew.
  const plan = 5_000;
  const topUp = 5_000;
  const spent = 100;
  await adjustBalance(page.request, owner, -spent);
  await expect
    .poll(async () => (await page.goto("/dashboard"), await page.getByTestId("balance").textContent()))
    .toBe((plan + topUp - spent).toLocaleString("en-US"));
  const renewed = await page.request.post(`${emulator}/_emulator/dodo/subscriptions/${subscriptionId}/renew`);
  expect(renewed.ok(), await renewed.text()).toBe(true);
  // subscription.renewed is its own webhook: reload until the next billing date has moved.
  await expect
    .poll(async () => (await page.goto("/dashboard"), await page.getByTestId("next-renewal").textContent()), {
      timeout: 30_000,
    })
    .not.toBe(firstRenewal);
  // FIFO spent the 100 from the older grant, the plan's: its leftover (4,900) ends with the cycle. The top-up is
  // untouched and lives 31 days from its purchase, past this renewal (a month is at most 31 days). So: a fresh
  // cycle plus the whole top-up. A top-up lost at renewal would leave 5,000; a top-up spent first, 9,900.
  const expected = plan + topUp;
  await page.goto("/dashboard/billing");
  await expect(page.getByTestId("grant-row").filter({ hasText: "Plan credits" })).toContainText("5,000 / 5,000");
  await expect(page.getByTestId("grant-row")).toHaveCount(2);
  await expect(page.getByTestId("grant-row").filter({ hasText: "Top-up pack" })).toContainText("5,000 / 5,000");
  await expect(page.getByTestId("balance")).toHaveText(expected.toLocaleString("en-US"));
  await page.goto("/dashboard");
  await expect(page.getByTestId("ledger-row").first()).toContainText("Credits added");
  await shot(page, "dashboard-renewed");

  // Below 20% of the plan (1,000): the banner and one warning email with a top-up link.
  const customer = await dodoCustomer(page.request, owner);
  const current = Number(customer.balances.find((b) => b.name === "Email Credits")!.balance);
  await adjustBalance(page.request, owner, -(current - 900));
  await expect
    .poll(async () => (await page.goto("/dashboard"), await page.getByTestId("low-balance-banner").count()), {
      timeout: 15_000,
    })
    .toBe(1);
  await expect(page.getByTestId("balance")).toHaveText("900");
  await expect(page.getByTestId("low-balance-banner")).toContainText("900 email credits left");
  await expect(page.getByTestId("low-balance-banner").getByTestId("top-up-button")).toBeVisible();
  await shot(page, "dashboard-low-balance");
  const warning = await waitForEmail(page.request, owner, /email credits left/);
  expect(warning.subject).toContain("900");
  expect(warning.links.some((l) => l.includes("/dashboard/billing"))).toBe(true);

  await page.goto(`${emulator}/inbox/${warning.id}`);
  await shot(page, "email-low-balance");
  await page.goto(`${emulator}/inbox`);
  await shot(page, "emulator-inbox");
});

test("a second user never sees the first user's data or customer", async ({ page }) => {
  const other = `other-${Date.now()}@example.com`;
  await signIn(page, other);
  await expect(page.getByTestId("user-email")).toHaveText(other);
  await expect(page.getByTestId("balance")).toHaveText("0");
  await page.goto("/dashboard/billing");
  await expect(page.getByText("no plan")).toBeVisible();
  await expect(page.getByTestId("payment-row")).toHaveCount(0);
  await expect(page.getByTestId("ledger-row")).toHaveCount(0);

  // Packs are add-ons: without a plan the answer says to subscribe first.
  const pack = await page.request.post("/api/checkout/topup", { headers: { accept: "application/json" } });
  expect(pack.status()).toBe(409);
  expect(await pack.json()).toMatchObject({ error: "no_plan", message: expect.stringMatching(/^Subscribe to the/) });

  // A forged customer ID in the request is ignored: checkout uses the session's own customer.
  const response = await page.request.post("/api/checkout/subscribe", {
    headers: { accept: "application/json", "content-type": "application/json" },
    data: { customer_id: "cus_someone_else" },
  });
  expect(response.status()).toBe(200);
  const { checkout_url } = (await response.json()) as { checkout_url: string };
  await page.goto(checkout_url);
  await expect(page.locator("#email")).toHaveValue(other);
  await shot(page, "second-user-checkout");
});

test("checkout and webhook routes refuse bad input with a clear 4xx", async ({ request }) => {
  const signedOut = await request.post("/api/checkout/subscribe", { headers: { accept: "application/json" } });
  expect(signedOut.status()).toBe(401);
  expect(await signedOut.json()).toMatchObject({ error: "unauthorized" });

  const unsigned = await request.post("/api/webhooks/dodo", { data: { type: "credit.added", data: {} } });
  expect(unsigned.status()).toBe(401);
  expect((await unsigned.json()).error).toMatch(/signature/i);
});

test("never run dry: auto top-up on the saved card within its cap, own alert, runway and expiry", async ({ page }) => {
  test.setTimeout(360_000); // many pages and screenshots on 2 shared cores
  const email = `autotopup-${Date.now()}@example.com`;
  await signIn(page, email);
  // No plan: the composer says to subscribe first.
  await page.goto("/dashboard/send");
  await expect(page.getByTestId("no-plan-notice")).toContainText("Subscribe to the MailKit Plan first");
  await subscribe(page);

  // The card of the plan's checkout is on file; auto top-up: below 4,990 buy one pack, at most one a month.
  await page.goto("/dashboard/billing");
  await expect(page.getByTestId("payment-method")).toContainText("VISA ending 1450");
  await page.getByTestId("auto-top-up-threshold").fill("oops");
  await page.getByTestId("auto-top-up-save").click();
  await expect(page.getByTestId("auto-top-up-threshold-error")).toHaveText(
    "The threshold must be a whole number of credits",
  );
  await page.getByTestId("auto-top-up-enabled").check();
  await page.getByTestId("auto-top-up-threshold").fill("4990");
  await page.getByTestId("auto-top-up-packs").fill("1");
  await page.getByTestId("auto-top-up-monthlyCap").fill("1");
  await page.getByTestId("auto-top-up-save").click();
  await expect(page.getByTestId("auto-top-up-saved")).toHaveText("Auto top-up is on.");
  await page.getByTestId("alert-threshold").fill("4995");
  await page.getByTestId("alert-recipients").fill(`ops-${email}`);
  await page.getByTestId("alert-save").click();
  await expect(page.getByTestId("alert-saved")).toHaveText("Alert saved.");

  // Spend 20: below both lines. One top-up on the saved card (+5,000), one alert email to the chosen address.
  await adjustBalance(page.request, email, -20);
  await expect
    .poll(async () => (await page.goto("/dashboard/billing"), await page.getByTestId("balance").textContent()), {
      timeout: 30_000,
    })
    .toBe("9,980");
  await expect(page.getByTestId("auto-top-up-row")).toHaveCount(1);
  await expect(page.getByTestId("auto-top-up-row")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("auto-top-up-row")).toContainText("Paid");
  await expect(page.getByTestId("ledger-row").filter({ hasText: "Email Top-Up Pack (auto top-up)" })).toHaveCount(1);
  await expect(page.getByTestId("payment-row").filter({ hasText: "Email Top-Up Pack" })).toHaveCount(1);
  const alert = await waitForEmail(page.request, `ops-${email}`, /email credits left/);
  expect(alert.subject).toContain("4,980");

  // The next drop is a new crossing, but the monthly cap (1 pack) is used up: recorded, nothing charged.
  await adjustBalance(page.request, email, -5_000);
  await expect
    .poll(async () => (await page.goto("/dashboard/billing"), await page.getByTestId("auto-top-up-row").count()), {
      timeout: 30_000,
    })
    .toBe(2);
  await expect(page.getByTestId("auto-top-up-row").first()).toHaveAttribute("data-status", "capped");
  await expect(page.getByTestId("auto-top-up-row").first()).toContainText("Over monthly cap");
  await expect(page.getByTestId("balance")).toHaveText("4,980");
  for (const [width, scheme] of [
    [1280, "light"],
    [1280, "dark"],
    [390, "light"],
    [390, "dark"],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/dashboard/billing");
    await shot(page, `billing-automation-${width}-${scheme}`);
  }

  // The overview: the next expiring grant, and the 7-day pace once something was sent.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
  await sendFromComposer(page, email, "Pace");
  await expect
    .poll(async () => (await page.goto("/dashboard"), await page.getByTestId("runway").count()), { timeout: 30_000 })
    .toBe(1);
  await expect(page.getByTestId("runway")).toContainText(
    /At your 7-day pace \(under 1 a day\),\s+credits last (until|more than a year)/,
  );
  await expect(page.getByTestId("next-expiry")).toContainText(/credits expire on [A-Z][a-z]{2} \d+, \d{4}/);
  for (const [width, scheme] of [
    [1280, "light"],
    [1280, "dark"],
    [390, "light"],
    [390, "dark"],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/dashboard");
    await shot(page, `overview-runway-${width}-${scheme}`);
  }
});

test("auto top-up turns itself off after three declined charges, with one email", async ({ page }) => {
  test.setTimeout(120_000);
  const email = `declined-${Date.now()}@example.com`;
  await signIn(page, email);
  await subscribe(page);
  const customer = await dodoCustomer(page.request, email);
  const declines = await page.request.post(
    `${emulator}/_emulator/dodo/customers/${customer.customer_id}/decline-saved-charges`,
    { data: { count: 3 } },
  );
  expect(declines.ok()).toBe(true);
  await page.goto("/dashboard/billing");
  await page.getByTestId("auto-top-up-enabled").check();
  await page.getByTestId("auto-top-up-threshold").fill("4990");
  await page.getByTestId("auto-top-up-monthlyCap").fill("10");
  await page.getByTestId("auto-top-up-save").click();
  await expect(page.getByTestId("auto-top-up-saved")).toHaveText("Auto top-up is on.");

  // First crossing: the charge and its one retry (10 s later) are declined. The retry's row appears, scheduled, as
  // soon as the first charge fails; the crossing is over only once the retry has failed too.
  const failedRows = page.locator('[data-testid="auto-top-up-row"][data-status="failed"]');
  await adjustBalance(page.request, email, -20);
  await expect
    .poll(async () => (await page.goto("/dashboard/billing"), await failedRows.count()), { timeout: 60_000 })
    .toBe(2);
  await expect(page.getByTestId("auto-top-up-row")).toHaveCount(2);
  await expect(page.getByTestId("auto-top-up-row").first()).toContainText("Retry of the declined charge");
  await expect(page.getByTestId("auto-top-up-state")).toContainText("waiting for your balance to be back at 4,990");
  // Back above the line: MailKit re-arms once it has seen that (its own sync, not only Dodo's balance). Then down
  // again: a new crossing, whose charge is the third decline in a row.
  await adjustBalance(page.request, email, 20);
  await expect
    .poll(
      async () => (await page.goto("/dashboard/billing"), await page.getByTestId("auto-top-up-state").textContent()),
    )
    .toContain("the next drop below 4,990 credits buys 1 pack");
  await adjustBalance(page.request, email, -20);
  await expect
    .poll(async () => (await page.goto("/dashboard/billing"), await page.getByText("Auto top-up is off").count()), {
      timeout: 40_000,
    })
    .toBeGreaterThan(0);
  await expect(page.getByTestId("auto-top-up-row")).toHaveCount(3);
  await expect(failedRows).toHaveCount(3);
  await expect(failedRows.first()).toContainText("Declined");
  const off = await waitForEmail(page.request, email, /Auto top-up is off/);
  expect(off.subject).toBe("Auto top-up is off: your payment method was declined");
  await shot(page, "billing-auto-top-up-off");
});

test("the return page without a payment of yours ends with a message and a link", async ({ page }) => {
  await signIn(page, `stale-${Date.now()}@example.com`);
  for (const query of ["", "?kind=topup", "?kind=topup&payment_id=pay_not_mine&status=succeeded"]) {
    await page.goto(`/dashboard/billing/return${query}`);
    await expect(page.getByTestId("checkout-state")).toHaveText("No payment to confirm here");
    await expect(page.getByRole("link", { name: "Go to billing" })).toBeVisible();
  }
  await shot(page, "checkout-return-unknown");
});

test("a custom threshold sends one email and one credit.balance_low webhook per crossing", async ({ page }) => {
  test.setTimeout(180_000);
  const receiver = await startWebhookReceiver();
  try {
    const email = `threshold-${Date.now()}@example.com`;
    await signIn(page, email);
    await subscribe(page);
    await page.goto("/dashboard/webhooks");
    await page.getByTestId("webhook-url").fill(`${receiver.url}/alerts`);
    await page.getByTestId("create-webhook").click();
    await expect(page.getByTestId("webhook-secret")).toBeVisible();

    await page.goto("/dashboard/billing");
    await page.getByTestId("alert-threshold").fill("4995");
    await page.getByTestId("alert-recipients").fill(`alerts-${email}`);
    await page.getByTestId("alert-save").click();
    await expect(page.getByTestId("alert-saved")).toHaveText("Alert saved.");

    const lowEvents = () =>
      receiver.received
        .map((r) => JSON.parse(r.body) as { type: string; data: { available: number; threshold: number } })
        .filter((e) => e.type === "credit.balance_low");
    const alertEmails = async () => {
      const response = await page.request.get(
        `${emulator}/_emulator/resend/messages?to=${encodeURIComponent(`alerts-${email}`)}`,
      );
      return ((await response.json()) as { data: { subject: string }[] }).data.filter((m) =>
        /email credits left/.test(m.subject),
      ).length;
    };

    // First crossing, then further down: one email and one webhook.
    await adjustBalance(page.request, email, -20);
    await expect.poll(() => lowEvents().length, { timeout: 30_000 }).toBe(1);
    await expect.poll(alertEmails, { timeout: 30_000 }).toBe(1);
    expect(lowEvents()[0]!.data).toMatchObject({ available: 4_980, threshold: 4_995 });
    await adjustBalance(page.request, email, -10);
    await page.goto("/dashboard/billing");
    await expect(page.getByTestId("alert-state")).toContainText("the alert went out");

    // Back at the line (MailKit re-arms it), then below again: the second crossing.
    await adjustBalance(page.request, email, 30);
    await expect
      .poll(async () => (await page.goto("/dashboard/billing"), await page.getByTestId("alert-state").textContent()), {
        timeout: 30_000,
      })
      .toContain("the next drop below 4,995 credits sends the alert");
    await adjustBalance(page.request, email, -20);
    await expect.poll(() => lowEvents().length, { timeout: 30_000 }).toBe(2);
    await expect.poll(alertEmails, { timeout: 30_000 }).toBe(2);
    await page.waitForTimeout(3_000); // later passes of the balance watch add nothing
    expect(lowEvents()).toHaveLength(2);
    expect(await alertEmails()).toBe(2);
  } finally {
    await receiver.close();
  }
});

test("auto top-up buys once for a crossing made by 50 concurrent API sends", async ({ page }) => {
  test.setTimeout(180_000);
  const email = `concurrent-${Date.now()}@example.com`;
  await signIn(page, email);
  await subscribe(page);
  await page.goto("/dashboard/billing");
  await page.getByTestId("auto-top-up-enabled").check();
  await page.getByTestId("auto-top-up-threshold").fill("4990");
  await page.getByTestId("auto-top-up-packs").fill("1");
  await page.getByTestId("auto-top-up-monthlyCap").fill("5");
  await page.getByTestId("auto-top-up-save").click();
  await expect(page.getByTestId("auto-top-up-saved")).toHaveText("Auto top-up is on.");

  // Five keys (each allows 10 requests a second): 50 single sends at once, the 10th and later cross 4,990.
  const keys: string[] = [];
  for (let i = 0; i < 5; i++) keys.push(await createApiKey(page, `Burst ${i}`));
  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      page.request.post("/api/emails", {
        headers: { authorization: `Bearer ${keys[i % 5]}` },
        data: { from: "onboarding@resend.dev", to: [email], subject: `Burst ${i}`, text: "Concurrent send." },
      }),
    ),
  );
  expect(responses.map((r) => r.status())).toEqual(Array(50).fill(200));

  await expect
    .poll(async () => (await page.goto("/dashboard/billing"), await page.getByTestId("balance").textContent()), {
      timeout: 60_000,
    })
    .toBe("9,950");
  await expect(page.getByTestId("auto-top-up-row")).toHaveCount(1);
  await expect(page.getByTestId("auto-top-up-row")).toHaveAttribute("data-status", "succeeded");
  const customer = await dodoCustomer(page.request, email);
  const payments = await dodoApi.payments.list({ customer_id: customer.customer_id, page_number: 0, page_size: 50 });
  expect(payments.items.filter((p) => p.metadata?.mailkit_checkout === "auto_top_up")).toHaveLength(1);
});

test("payments and invoices: product names, kind, tax for the billing country, card, refunds", async ({ page }) => {
  test.setTimeout(180_000);
  const email = `invoices-${Date.now()}@example.com`;
  await signIn(page, email);
  await page.goto("/dashboard/billing");
  await page.getByTestId("subscribe-button").click();
  await page.locator("#country").selectOption("DE"); // 19 % VAT on top of the plan's price
  await payOnHostedCheckout(page);
  await expect(page.getByTestId("checkout-state")).toHaveText("Payment confirmed");

  await page.goto("/dashboard/billing");
  await page.getByTestId("top-up-button").first().click();
  await payOnHostedCheckout(page); // billed to the US: no tax
  await expect(page).toHaveURL(/payment_id=pay_/);
  const topUpPaymentId = new URL(page.url()).searchParams.get("payment_id")!;
  await expect(page.getByTestId("checkout-state")).toHaveText("Payment confirmed");

  await page.goto("/dashboard/billing");
  await expect(page.getByTestId("payment-method")).toContainText("VISA ending 1450");
  const plan = page.getByTestId("payment-row").filter({ hasText: "MailKit Plan" });
  await expect(plan).toHaveAttribute("data-state", "paid");
  await expect(plan.getByTestId("payment-kind")).toHaveText("Subscription");
  await expect(plan).toContainText("$22.61");
  await expect(plan.getByTestId("payment-tax")).toHaveText("incl. $3.61 tax");
  await expect(plan.getByTestId("payment-billing")).toHaveText("VISA •••• 1450 · billed to DE");
  await expect(plan).toContainText("Paid");
  const pack = page.getByTestId("payment-row").filter({ hasText: "Email Top-Up Pack" });
  await expect(pack.getByTestId("payment-kind")).toHaveText("Top-up pack");
  await expect(pack).toContainText("$9.00");
  await expect(pack.getByTestId("payment-tax")).toHaveText("incl. $0.00 tax");
  await expect(page.getByText(/OneTime/)).toHaveCount(0);

  const invoice = await plan.getByTestId("payment-invoice").getAttribute("href");
  const invoicePage = await page.context().newPage();
  await invoicePage.goto(invoice!);
  await expect(invoicePage.getByTestId("receipt-product")).toHaveText("MailKit Plan");
  await expect(invoicePage.getByTestId("receipt-tax")).toHaveText("$3.61");
  await expect(invoicePage.getByTestId("receipt-total")).toHaveText("$22.61");
  await invoicePage.close();

  // Refunded in Dodo's dashboard: the row says so.
  const refund = await page.request.post(`${emulator}/_emulator/dodo/payments/${topUpPaymentId}/refund`, {
    data: { reason: "requested by the customer" },
  });
  expect(refund.ok(), await refund.text()).toBe(true);
  await page.goto("/dashboard/billing");
  await expect(pack).toHaveAttribute("data-state", "refunded");
  await expect(pack).toContainText("Refunded");
  await expect(pack.getByTestId("payment-refund")).toHaveText("$9.00 refunded");
  await expect(pack.getByTestId("payment-invoice")).toBeVisible();
  for (const [width, scheme] of [
    [1280, "light"],
    [1280, "dark"],
    [390, "light"],
    [390, "dark"],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/dashboard/billing");
    await shot(page, `billing-payments-${width}-${scheme}`);
    // Every row kind (paid, refunded, an invoice link) readable and accessible in both schemes, no sideways scroll.
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `billing at ${width} px is ${overflow} px too wide`).toBeLessThanOrEqual(0);
  }
});
