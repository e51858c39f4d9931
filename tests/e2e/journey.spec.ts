import { expect, test, type Page } from "@playwright/test";

import {
  adjustBalance,
  domainFor,
  payOnHostedCheckout,
  shot,
  signIn,
  verifySenderDomain,
  waitForEmail,
} from "./support/mailkit";

/**
 * The tutorial's whole journey in the browser: subscribe → 5,000 → send → 4,999 → an operator takes 4,000
 * → send → the low-balance banner and email → buy a top-up → +5,000 → drain to 0 → the next send is
 * refused (402) with a top-up button.
 */
const person = `journey-${Date.now()}@example.com`;

async function liveBalance(page: Page): Promise<string> {
  await page.goto("/dashboard");
  return (await page.getByTestId("balance").textContent()) ?? "";
}

/** MailKit's own admission view (what the composer can spend), once Dodo's webhooks have arrived. */
async function composerBalance(page: Page): Promise<string> {
  await page.goto("/dashboard/send");
  return (await page.getByTestId("composer-balance").textContent()) ?? "";
}

async function send(page: Page, subject: string) {
  await page.goto("/dashboard/send");
  await page.getByTestId("composer-to").fill("delivered@resend.dev");
  await page.getByTestId("composer-subject").fill(subject);
  await page.getByTestId("composer-body").fill("Hello from the MailKit journey test.");
  await page.getByTestId("send-button").click();
}

test("subscribe, send, get warned, top up, run dry, get a 402 with a way out", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, person);

  await page.goto("/dashboard/billing");
  await page.getByTestId("subscribe-button").click();
  await payOnHostedCheckout(page);
  await expect(page.getByTestId("checkout-state")).toHaveText("Payment confirmed");
  expect(await liveBalance(page)).toBe("5,000");
  await verifySenderDomain(page, domainFor(person)); // the composer sends from it

  // One email to one recipient costs one credit.
  await send(page, "First email");
  await expect(page.getByTestId("send-result")).toContainText("To 1 recipient");
  await expect(page.getByTestId("balance-after-send")).toContainText("4,999 left");
  await shot(page, "journey-sent");
  await expect.poll(() => liveBalance(page)).toBe("4,999"); // the debit reached Dodo's ledger
  await expect(page.getByTestId("ledger-row").first()).toContainText("Emails sent");

  // An operator adjusts the balance down by 4,000 in Dodo: 999 is below 20% of 5,000.
  await adjustBalance(page.request, person, -4_000);
  await expect.poll(() => composerBalance(page)).toBe("999");
  await send(page, "Second email");
  await expect(page.getByTestId("balance-after-send")).toContainText("998 left");
  // credit.balance_low is its own webhook: reload until it has been processed.
  await expect
    .poll(async () => (await page.goto("/dashboard"), await page.getByTestId("low-balance-banner").count()))
    .toBe(1);
  await shot(page, "journey-low-balance");
  const warning = await waitForEmail(page.request, person, /email credits left/);
  expect(warning.links.some((l) => l.includes("/dashboard/billing"))).toBe(true);

  // The banner's own button buys a top-up: +5,000.
  await page.getByTestId("low-balance-banner").getByTestId("top-up-button").click();
  await payOnHostedCheckout(page);
  await expect(page.getByTestId("checkout-state")).toHaveText("Payment confirmed");
  await expect.poll(() => liveBalance(page)).toBe("5,998");
  await expect
    .poll(async () => (await page.goto("/dashboard"), await page.getByTestId("low-balance-banner").count()))
    .toBe(0);

  // Drain to zero, then try once more.
  await adjustBalance(page.request, person, -5_998);
  await expect.poll(() => composerBalance(page)).toBe("0");
  await send(page, "One too many");
  const refusal = page.getByTestId("insufficient-credits");
  await expect(refusal).toContainText("No email credits remaining. Buy a top-up pack");
  await expect(refusal).toContainText("needs 1 credit");
  await expect(refusal.getByTestId("top-up-button")).toBeVisible();
  await shot(page, "journey-402");

  // Nothing was sent for free or twice: two emails in the log, two email debits in Dodo's ledger.
  await page.goto("/dashboard/messages");
  await expect(page.getByRole("row").filter({ hasText: "delivered@resend.dev" })).toHaveCount(2);
  await shot(page, "journey-messages");
  expect(await liveBalance(page)).toBe("0");
  await expect(page.getByTestId("ledger-row").filter({ hasText: "Emails sent" })).toHaveCount(2);
});
