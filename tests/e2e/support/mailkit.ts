import { expect, type APIRequestContext, type Page } from "@playwright/test";

import { E2E } from "../../../playwright.config";

export const emulator = E2E.emulatorUrl;

type InboxMessage = { id: string; to: string[]; subject: string; links: string[]; created_at: string };

/** The newest message to `email` in the Resend emulator's inbox matching the subject, waiting for it. */
export async function waitForEmail(
  request: APIRequestContext,
  email: string,
  subject: RegExp,
  timeoutMs = 15_000,
): Promise<InboxMessage> {
  let found: InboxMessage | undefined;
  await expect
    .poll(
      async () => {
        const response = await request.get(`${emulator}/_emulator/resend/messages?to=${encodeURIComponent(email)}`);
        const { data } = (await response.json()) as { data: InboxMessage[] };
        found = data.find((m) => subject.test(m.subject));
        return !!found;
      },
      { timeout: timeoutMs },
    )
    .toBe(true);
  return found!;
}

/** Signs in with a magic link read from the emulator's inbox, like a person in local mode would. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const message = await waitForEmail(page.request, email, /Sign in to MailKit/);
  const link = message.links.find((l) => l.includes("/api/auth/callback/resend"));
  expect(link, "the sign-in email contains a magic link").toBeTruthy();
  await page.goto(link!);
  await expect(page).toHaveURL(/\/dashboard/);
}

/** Pays on the emulator's hosted checkout page with a test card. */
export async function payOnHostedCheckout(page: Page, card = "4576 2389 1277 1450"): Promise<void> {
  await expect(page).toHaveURL(new RegExp(`^${emulator}/checkout/`));
  await page.locator("#card_number").fill(card);
  await page.getByTestId("pay").click();
}

export async function balanceOnDashboard(page: Page): Promise<string> {
  await page.goto("/dashboard");
  return (await page.getByTestId("balance").textContent()) ?? "";
}

type EmulatorCustomer = {
  customer_id: string;
  email: string;
  balances: { credit_entitlement_id: string; name: string; balance: string | number }[];
};

/** The emulator's record of a customer (read through its control plane, as a test of the outside world). */
export async function dodoCustomer(request: APIRequestContext, email: string): Promise<EmulatorCustomer> {
  const response = await request.get(`${emulator}/_emulator/dodo/customers`);
  const { items } = (await response.json()) as { items: EmulatorCustomer[] };
  const customer = items.find((c) => c.email === email);
  expect(customer, `a Dodo customer for ${email}`).toBeTruthy();
  return customer!;
}

/** Adjusts a balance by hand, like an operator in Dodo's dashboard. */
export async function adjustBalance(request: APIRequestContext, email: string, amount: number): Promise<void> {
  const customer = await dodoCustomer(request, email);
  const entitlement = customer.balances.find((b) => b.name === "Email Credits");
  expect(entitlement, "the customer has an Email Credits balance").toBeTruthy();
  const response = await request.post(`${emulator}/_emulator/dodo/balances/adjust`, {
    data: {
      customer_id: customer.customer_id,
      credit_entitlement_id: entitlement!.credit_entitlement_id,
      amount,
      reason: "e2e adjustment",
    },
  });
  expect(response.ok(), await response.text()).toBe(true);
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/** Subscribes the signed-in user to the plan through the hosted checkout and waits for the confirmation. */
export async function subscribe(page: Page): Promise<void> {
  await page.goto("/dashboard/billing");
  await page.getByTestId("subscribe-button").click();
  await payOnHostedCheckout(page);
  await expect(page.getByTestId("checkout-state")).toHaveText("Payment confirmed");
}

/** Sends one email from the composer (the page stays open on the result). */
export async function sendFromComposer(page: Page, to: string, subject: string): Promise<void> {
  await page.goto("/dashboard/send");
  await page.getByTestId("composer-to").fill(to);
  await page.getByTestId("composer-subject").fill(subject);
  await page.getByTestId("composer-body").fill("Hello from the MailKit e2e tests.");
  await page.getByTestId("send-button").click();
  await expect(page.getByTestId("send-result")).toBeVisible();
}

/** Holds the Dodo emulator's webhooks (a late webhook), then lets them go. */
export async function pauseDodoWebhooks(request: APIRequestContext): Promise<void> {
  expect((await request.post(`${emulator}/_emulator/dodo/webhooks/pause`)).ok()).toBe(true);
}
export async function resumeDodoWebhooks(request: APIRequestContext): Promise<void> {
  expect((await request.post(`${emulator}/_emulator/dodo/webhooks/resume`, { data: {} })).ok()).toBe(true);
}

/** A sender domain of its own for a test user (`dash-123@example.com` → `dash-123.test`): a domain has one owner. */
export function domainFor(email: string): string {
  return `${email
    .split("@")[0]!
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")}.test`;
}

/**
 * Gives the signed-in user a verified sender domain the way a customer gets one: added on the Domains page, its
 * DNS records published in the Resend emulator (control plane), verified. Nothing happens if it is verified already.
 * The composer then offers it as its default `from`.
 */
export async function verifySenderDomain(page: Page, domain: string): Promise<void> {
  await page.goto("/dashboard/domains");
  const card = page.locator(`[data-testid="domain-card"][data-domain="${domain}"]`);
  if ((await card.count()) === 0) {
    await page.getByTestId("domain-name").fill(domain);
    await page.getByTestId("add-domain").click();
    await expect(card).toBeVisible();
  }
  if ((await card.getByTestId("domain-status").textContent()) === "Verified") return;
  const published = await page.request.post(`${emulator}/_emulator/resend/domains/${domain}/publish`);
  expect(published.ok(), await published.text()).toBe(true);
  await card.getByTestId("verify-domain").click();
  await expect(card.getByTestId("domain-status")).toHaveText("Verified");
}
