import { expect, test } from "@playwright/test";

import {
  adjustBalance,
  dodoCustomer,
  emulator,
  payOnHostedCheckout,
  shot,
  signIn,
  waitForEmail,
} from "./support/mailkit";

/**
 * Accounts and billing as a person does it: sign in through the inbox, subscribe on the hosted checkout,
 * top up, live through a renewal, drop below 20% and get warned — and a second person sees none of it.
 */
test.describe.configure({ mode: "serial" });

const owner = `owner-${Date.now()}@example.com`;

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
    .poll(async () => (await page.goto("/dashboard"), await page.getByTestId("next-renewal").textContent()))
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

  // A forged customer ID in the request is ignored: checkout uses the session's own customer.
  const response = await page.request.post("/api/checkout/topup", {
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
