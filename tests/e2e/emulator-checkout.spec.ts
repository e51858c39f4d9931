import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect, test } from "@playwright/test";
import DodoPayments from "dodopayments";

import { startEmulators, type EmulatorServer } from "../../emulators/server";
import { ensureCatalog } from "../../lib/dodo/catalog";

/**
 * The emulator's hosted checkout in a real browser, independent of the app: its own in-process emulator and a
 * tiny HTTP server standing in for the app's return_url.
 */
let emulators: EmulatorServer;
let returnServer: Server;
let returnUrl: string;
let dodo: DodoPayments;
let catalog: { entitlementId: string; planId: string };

test.beforeAll(async () => {
  returnServer = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end(`<h1>Back in the app</h1><p>${req.url}</p>`);
  });
  await new Promise<void>((resolve) => returnServer.listen(0, "127.0.0.1", resolve));
  returnUrl = `http://localhost:${(returnServer.address() as AddressInfo).port}/billing/return`;

  emulators = await startEmulators({
    port: 0,
    appUrl: "http://localhost:1",
    dodo: { settings: { webhooksEnabled: false } },
  });
  dodo = new DodoPayments({ bearerToken: "dodo_local_emulator_key", baseURL: `${emulators.url}/dodo` });
  // MailKit's own catalog, created the way `npm run dodo:setup` does it.
  const created = await ensureCatalog(dodo);
  catalog = { entitlementId: created.entitlementId, planId: created.planProductId };
});

test.afterAll(async () => {
  await emulators?.close();
  await new Promise<void>((resolve) => (returnServer ? returnServer.close(() => resolve()) : resolve()));
});

async function checkout(): Promise<string> {
  const session = await dodo.checkoutSessions.create({
    product_cart: [{ product_id: catalog.planId, quantity: 1 }],
    return_url: returnUrl,
    metadata: { user_id: "user_e2e" },
  });
  return session.checkout_url!;
}

test("pays with the success card and returns with subscription_id, status=active and email", async ({ page }) => {
  await page.goto(await checkout());
  await expect(page.getByRole("heading", { name: "Pay with card" })).toBeVisible();
  await expect(page.getByTestId("total")).toHaveText("$19.00");
  await expect(page.getByText("4576 2389 1277 1450")).toBeVisible();
  await expect(page.getByText("4000 0000 0000 0002")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/emulator-checkout.png", fullPage: true });

  await page.getByLabel("Email").fill("e2e@example.com");
  await page.getByLabel("Cardholder name").fill("Ada Lovelace");
  await page.getByRole("button", { name: "4576 2389 1277 1450" }).click(); // the hint fills the card
  await expect(page.locator("#card_number")).toHaveValue("4576 2389 1277 1450");
  await page.getByTestId("pay").click();

  await page.waitForURL((url) => url.href.startsWith(returnUrl));
  const url = new URL(page.url());
  expect(url.searchParams.get("subscription_id")).toMatch(/^sub_/);
  expect(url.searchParams.get("status")).toBe("active");
  expect(url.searchParams.get("email")).toBe("e2e@example.com");
  await expect(page.getByRole("heading", { name: "Back in the app" })).toBeVisible();

  const subscription = await dodo.subscriptions.retrieve(url.searchParams.get("subscription_id")!);
  expect(subscription.metadata).toEqual({ user_id: "user_e2e" });
  const balance = await dodo.creditEntitlements.balances.retrieve(subscription.customer.customer_id, {
    credit_entitlement_id: catalog.entitlementId,
  });
  expect(balance.balance).toBe("5000");

  // The portal the app links to, for a look.
  const { link } = await dodo.customers.customerPortal.create(subscription.customer.customer_id, {
    return_url: returnUrl,
  });
  await page.goto(link);
  await expect(page.getByTestId("balance")).toHaveText("5,000");
  await page.screenshot({ path: "test-results/screenshots/emulator-portal.png", fullPage: true });
  await page.getByTestId("cancel").click();
  await expect(page.getByTestId("next-billing")).toContainText("Cancels on");
  expect((await dodo.subscriptions.retrieve(subscription.subscription_id)).cancel_at_next_billing_date).toBe(true);

  // The admin page lists the customer and the subscription.
  await page.goto(`${emulators.url}/`);
  await expect(page.getByRole("heading", { name: "Subscriptions" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "e2e@example.com", exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/emulator-admin.png", fullPage: true });
});

test("declines with the decline card: status=failed and no credits", async ({ page }) => {
  await page.goto(await checkout());
  await page.getByLabel("Email").fill("declined@example.com");
  await page.locator("#card_number").fill("4000 0000 0000 0002");
  await page.getByTestId("pay").click();

  await page.waitForURL((url) => url.href.startsWith(returnUrl));
  const url = new URL(page.url());
  expect(url.searchParams.get("status")).toBe("failed");
  expect(url.searchParams.get("payment_id")).toMatch(/^pay_/);
  expect(url.searchParams.get("email")).toBe("declined@example.com");
  expect(url.searchParams.get("subscription_id")).toBeNull();

  const customers = await dodo.customers.list({ email: "declined@example.com" });
  const customerId = customers.items[0]!.customer_id;
  await expect(
    dodo.creditEntitlements.balances.retrieve(customerId, { credit_entitlement_id: catalog.entitlementId }),
  ).rejects.toMatchObject({ status: 404 });
  expect((await dodo.subscriptions.list({ customer_id: customerId })).items).toEqual([]);
});
