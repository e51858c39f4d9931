import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { Resend } from "resend";
import { Webhook } from "standardwebhooks";

import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { domainFor, sendFromComposer, shot, signIn, subscribe, verifySenderDomain } from "./support/mailkit";

/**
 * A customer adds a webhook endpoint (the e2e server runs in local mode, so a receiver on 127.0.0.1 started by
 * this test is allowed), sends an email, and the endpoint's delivery log shows the email's events — which the
 * receiver got signed with the secret shown once. Replaying one from the log delivers the same event again.
 */

let receiver: WebhookReceiver;
test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

test("webhooks: add an endpoint, send, the delivery log shows the events, replay", async ({ page }) => {
  test.setTimeout(120_000);
  const email = `hooks-${Date.now()}@example.com`;
  await signIn(page, email);
  await subscribe(page);
  await verifySenderDomain(page, domainFor(email)); // sends to anyone need a verified sender domain

  await page.goto("/dashboard/webhooks");
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await page.getByTestId("webhook-url").fill("https://10.0.0.1/hook");
  await page.getByTestId("create-webhook").click();
  await expect(page.getByTestId("webhook-error")).toContainText("public host");

  await page.getByTestId("webhook-url").fill(`${receiver.url}/mailkit`);
  await page.getByTestId("webhook-event-credit.balance_low").uncheck();
  await page.getByTestId("create-webhook").click();
  const secret = (await page.getByTestId("webhook-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^whsec_/);
  await expect(page.getByTestId("webhook-endpoint-url")).toHaveText(`${receiver.url}/mailkit`);
  await page.reload();
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0); // shown once

  await sendFromComposer(page, "delivered@resend.dev", "Webhook e2e");

  await page.goto("/dashboard/webhooks");
  // The page follows new deliveries live (the dashboard's live version includes webhook activity).
  const delivered = page.locator('[data-testid="webhook-delivery"][data-event="email.delivered"]');
  const sent = page.locator('[data-testid="webhook-delivery"][data-event="email.sent"]');
  await expect(delivered).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  await expect(sent).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  await expect(delivered).toContainText("200");

  // What the receiver got verifies with the secret the page showed.
  const verifier = new Webhook(secret);
  const events = receiver.received.map(
    (r) =>
      verifier.verify(r.body, {
        "webhook-id": String(r.headers["webhook-id"]),
        "webhook-timestamp": String(r.headers["webhook-timestamp"]),
        "webhook-signature": String(r.headers["webhook-signature"]),
      }) as { type: string; data: { subject: string; to: string[] } },
  );
  expect(events.map((e) => e.type).sort()).toEqual(["email.delivered", "email.sent"]);
  expect(events[0]!.data).toMatchObject({ subject: "Webhook e2e", to: ["delivered@resend.dev"] });

  await delivered.locator("summary").first().click(); // the event (its attempts are the second)
  await expect(delivered.locator("pre").first()).toContainText('"email.delivered"');
  await shot(page, "webhooks-log");

  // Replay: the same event (same webhook-id) arrives again.
  const before = receiver.received.length;
  const deliveredId = receiver.received.find((r) => JSON.parse(r.body).type === "email.delivered")!.headers[
    "webhook-id"
  ];
  await delivered.getByTestId("replay-webhook").click();
  await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(before + 1);
  expect(receiver.received.at(-1)!.headers["webhook-id"]).toBe(deliveredId);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(delivered).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, "webhooks-log-390");

  // Light and dark, desktop and phone: screenshots and no serious or critical axe violation (log expanded).
  await page.emulateMedia({ reducedMotion: "reduce" });
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const viewport of [
      { label: "1280", width: 1280, height: 860 },
      { label: "390", width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      await page.goto("/dashboard/webhooks");
      await delivered.locator("summary").first().click(); // the event (its attempts are the second)
      await page.screenshot({
        // Not webhooks-…: pages.spec.ts writes those (the page without an endpoint).
        path: `test-results/screenshots/pages/webhooks-endpoint-${viewport.label}-${theme}.png`,
        fullPage: true,
        animations: "disabled",
      });
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    }
  }
  await page.emulateMedia({ colorScheme: "light" });

  // Disable, then delete behind a confirmation.
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.getByTestId("toggle-webhook").click();
  await expect(page.getByTestId("webhook-endpoint")).toContainText("Disabled");
  await page.getByTestId("delete-webhook").click();
  await page.getByTestId("delete-webhook-confirm").click();
  await expect(page.getByTestId("webhook-endpoint")).toHaveCount(0);
});

test("rotating a signing secret asks first: cancel changes nothing, confirm rotates", async ({ page }) => {
  const email = `rotate-${Date.now()}@example.com`;
  await signIn(page, email);
  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill("Rotation check");
  await page.getByTestId("create-api-key").click();
  const token = (await page.getByTestId("new-api-key").textContent())!.trim();
  const mailkit = new Resend(token, { baseUrl: `${new URL(page.url()).origin}/api` });

  await page.goto("/dashboard/webhooks");
  await page.getByTestId("webhook-url").fill(`${receiver.url}/rotate`);
  await page.getByTestId("create-webhook").click();
  const first = (await page.getByTestId("webhook-secret").textContent())!.trim();
  await page.reload();
  const { data: list } = await mailkit.webhooks.list();
  const id = list!.data[0]!.id;
  // The API shows the secret masked (whsec_abcd…wxyz): enough to tell one secret from another.
  const masked = async () => (await mailkit.webhooks.get(id)).data!.signing_secret;
  const before = await masked();
  expect(before.slice(-4)).toBe(first.slice(-4));

  await page.getByTestId("rotate-webhook-secret").click();
  const dialog = page.getByTestId("rotate-webhook-secret-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("stops working at once");
  await shot(page, "webhooks-rotate-dialog");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
  expect(await masked()).toBe(before);

  await page.getByTestId("rotate-webhook-secret").click();
  await page.getByTestId("rotate-webhook-secret-confirm").click();
  await expect(page.getByText("Signing secret rotated")).toBeVisible(); // the toast
  const second = (await page.getByTestId("webhook-secret").textContent())!.trim();
  expect(second).toMatch(/^whsec_/);
  expect(second).not.toBe(first);
  expect((await masked()).slice(-4)).toBe(second.slice(-4));
});

test("replaying another account's event or a disabled endpoint's event from the dashboard: a clear error, nothing sent", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const deliveriesTo = (path: string) => receiver.received.filter((r) => r.path === path).length;

  // Account A: an endpoint that has received one event (its sender domain's domain.updated).
  const a = await (await browser.newContext()).newPage();
  const emailA = `replay-a-${Date.now()}@example.com`;
  await signIn(a, emailA);
  await addEndpoint(a, `${receiver.url}/a`);
  await verifySenderDomain(a, domainFor(emailA));
  const aDelivery = await finishedDeliveryId(a, `${receiver.url}/a`);

  // Account B: two endpoints that have each received an event; the second is then disabled.
  const b = await (await browser.newContext()).newPage();
  const emailB = `replay-b-${Date.now()}@example.com`;
  await signIn(b, emailB);
  await addEndpoint(b, `${receiver.url}/b1`);
  await addEndpoint(b, `${receiver.url}/b2`);
  await verifySenderDomain(b, domainFor(emailB));
  const b1Delivery = await finishedDeliveryId(b, `${receiver.url}/b1`);
  const b2Delivery = await finishedDeliveryId(b, `${receiver.url}/b2`);
  await endpointCard(b, `${receiver.url}/b2`).getByTestId("toggle-webhook").click();
  await expect(endpointCard(b, `${receiver.url}/b2`)).toContainText("Disabled");
  const before = { a: deliveriesTo("/a"), b1: deliveriesTo("/b1"), b2: deliveriesTo("/b2") };

  // B's Replay button, its form pointed at A's delivery (as a hostile client can), then at the disabled endpoint's.
  const row = endpointCard(b, `${receiver.url}/b1`).getByTestId("webhook-delivery").first();
  // Changed and submitted in one step: a live refresh of the page in between would render the row's own id again.
  const replayAs = async (deliveryId: string) => {
    await row.getByTestId("replay-webhook").evaluate((button, id) => {
      const form = (button as HTMLButtonElement).form!;
      (form.elements.namedItem("id") as HTMLInputElement).value = id;
      form.requestSubmit(button as HTMLButtonElement);
    }, deliveryId);
  };
  await replayAs(aDelivery);
  await expect(b.getByText("That event is not in your account's delivery log: nothing was replayed.")).toBeVisible();
  await shot(b, "webhooks-replay-refused");
  // The same refusal on a phone, in dark mode.
  await b.setViewportSize({ width: 390, height: 844 });
  await b.emulateMedia({ colorScheme: "dark" });
  await replayAs(aDelivery);
  await expect(b.getByText("nothing was replayed").first()).toBeVisible();
  await shot(b, "webhooks-replay-refused-390-dark");
  await b.setViewportSize({ width: 1280, height: 860 });
  await b.emulateMedia({ colorScheme: "light" });
  await replayAs(b2Delivery);
  await expect(b.getByText("Enable the endpoint before replaying its events.")).toBeVisible();

  // A replay of B's own event arrives: had either refused replay been queued, it would have been sent by now too.
  await replayAs(b1Delivery);
  await expect.poll(() => deliveriesTo("/b1"), { timeout: 30_000 }).toBe(before.b1 + 1);
  expect({ a: deliveriesTo("/a"), b2: deliveriesTo("/b2") }).toEqual({ a: before.a, b2: before.b2 });
});

function endpointCard(page: Page, url: string) {
  return page
    .getByTestId("webhook-endpoint")
    .filter({ has: page.getByText(url, { exact: true }) })
    .locator("..");
}

async function addEndpoint(page: Page, url: string): Promise<void> {
  await page.goto("/dashboard/webhooks");
  await page.getByTestId("webhook-url").fill(url);
  await page.getByTestId("create-webhook").click();
  await expect(page.getByTestId("webhook-secret")).toBeVisible();
}

/** The id of the endpoint's first finished delivery (what its Replay button's form carries). */
async function finishedDeliveryId(page: Page, url: string): Promise<string> {
  await page.goto("/dashboard/webhooks");
  const row = endpointCard(page, url).locator('[data-testid="webhook-delivery"][data-status="succeeded"]').first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  return row.locator('input[name="id"]').inputValue();
}
