import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { Resend } from "resend";

import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { domainFor, emulator, sendFromComposer, signIn, subscribe, verifySenderDomain } from "./support/mailkit";

/**
 * What a developer sees of their integration: the API request log (a refused call shows within 2 s with its error
 * and no secret), keys restricted to one domain and renamed, each webhook attempt with its answer and "retry now",
 * and the deliverability chart of what was sent.
 */

const INVOICE_HTML = "<p>Invoice 2026-118, amount due 42.00</p>";
let receiver: WebhookReceiver;
test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

/** Light and dark, 1280 and 390 px: full-page screenshots and no serious or critical axe violation. */
async function shootAndCheck(page: Page, path: string, name: string, prepare?: () => Promise<void>) {
  await page.emulateMedia({ reducedMotion: "reduce" });
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const viewport of [
      { label: "1280", width: 1280, height: 860 },
      { label: "390", width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      await page.goto(path);
      await prepare?.();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} at ${viewport.label} px scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({
        path: `test-results/screenshots/pages/${name}-${viewport.label}-${theme}.png`,
        fullPage: true,
        animations: "disabled",
      });
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 860 });
}

test("a restricted key cannot send from another domain; the refused call is in the log within 2 s, without the key", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const email = `logs-${Date.now()}@example.com`;
  const domain = domainFor(email);
  await signIn(page, email);
  await subscribe(page);
  await verifySenderDomain(page, domain);

  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill("Billing service");
  await page.getByTestId("api-key-sending").check();
  await page.getByTestId("api-key-domain").selectOption(domain);
  await page.getByTestId("create-api-key").click();
  const token = (await page.getByTestId("new-api-key").textContent())!.trim();
  await page.reload();
  await expect(page.getByTestId("api-key-row")).toContainText(`from ${domain} only`);

  const mailkit = new Resend(token, { baseUrl: `${baseURL}/api` });
  const refused = await mailkit.emails.send({
    from: "Billing <billing@elsewhere.test>",
    to: "delivered@resend.dev",
    subject: "Your invoice",
    html: INVOICE_HTML,
  });
  const refusedAt = Date.now();
  expect(refused.error).toMatchObject({ statusCode: 403, name: "validation_error" });
  expect(refused.error!.message).toContain(`can only send from ${domain}`);
  expect(refused.headers?.["x-mailkit-credits-charged"]).toBeUndefined();

  // One look, 2 s after the refusal: the page reads the log when it is requested.
  await page.waitForTimeout(Math.max(0, refusedAt + 2_000 - Date.now()));
  await page.goto("/dashboard/logs?status=403");
  const entry = page.locator('[data-testid="log-entry"][data-status="403"]');
  await expect(entry).toHaveCount(1, { timeout: 1 });
  await expect(entry.getByTestId("log-error-name")).toHaveText("validation_error");
  await entry.locator("summary").click();
  await expect(entry.getByTestId("log-error")).toContainText(`can only send from ${domain}`);
  await expect(entry.getByTestId("log-request-body")).toContainText(`[redacted: ${INVOICE_HTML.length} characters]`);
  const html = await page.content();
  expect(html).not.toContain(token);
  expect(html).not.toContain("Invoice 2026-118");

  // The same key sends from its own domain; the log holds both, and the keys page counts them.
  const sent = await mailkit.emails.send({
    from: `Billing <billing@${domain}>`,
    to: "delivered@resend.dev",
    subject: "Your invoice",
    text: "Invoice attached",
  });
  expect(sent.error).toBeNull();
  await expect
    .poll(async () => {
      await page.goto("/dashboard/keys");
      return page.getByTestId("api-key-requests").textContent();
    })
    .toContain("2");
  await page.getByText("Rename").click();
  await page.getByTestId("rename-key-name").fill("Invoices");
  await page.getByTestId("rename-key-save").click();
  await expect(page.getByTestId("api-key-row")).toContainText("Invoices");

  // The message page links to the request that created the email.
  await page.goto(`/dashboard/messages/${sent.data!.id}`);
  await page.getByTestId("request-log-link").click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/logs\\?email=${sent.data!.id}$`));
  await expect(page.getByTestId("log-entry")).toHaveCount(1);
  await expect(page.getByTestId("log-entry")).toHaveAttribute("data-status", "200");

  await shootAndCheck(page, "/dashboard/logs", "logs", async () => {
    await page.locator('[data-testid="log-entry"][data-status="403"] summary').click();
  });
  await shootAndCheck(page, "/dashboard/keys", "keys-restricted");
});

test("webhook attempts: each answer is shown with its body; retry now delivers", async ({ page }) => {
  test.setTimeout(180_000);
  const email = `attempts-${Date.now()}@example.com`;
  await signIn(page, email);
  await subscribe(page);
  await verifySenderDomain(page, domainFor(email));

  let failing = true;
  receiver.respond = (request) => (request.path === "/flaky" && failing ? 503 : 200);
  receiver.answerBody = (_request, status) => (status === 503 ? "maintenance until 02:00 UTC" : "thanks");
  await page.goto("/dashboard/webhooks");
  await page.getByTestId("webhook-url").fill(`${receiver.url}/flaky`);
  await page.getByTestId("webhook-event-credit.balance_low").uncheck();
  await page.getByTestId("create-webhook").click();
  await expect(page.getByTestId("webhook-secret")).toBeVisible();

  await sendFromComposer(page, "delivered@resend.dev", "Attempts e2e");
  await page.goto("/dashboard/webhooks");
  const delivered = page.locator('[data-testid="webhook-delivery"][data-event="email.delivered"]');
  // The first attempt fails at once, the second 5 s later; the next retry is then 30 s away.
  await expect(delivered.getByTestId("webhook-attempts")).toContainText("2 attempts", { timeout: 30_000 });
  await expect(delivered.getByTestId("next-retry")).toBeVisible();
  await delivered.getByTestId("webhook-attempts").locator("summary").click();
  await expect(delivered.getByTestId("webhook-attempt-body").first()).toHaveText("maintenance until 02:00 UTC");
  await expect(delivered.getByTestId("webhook-attempt").first()).toContainText("503");

  await page.goto("/dashboard/webhooks?failed=1");
  await expect(page.locator('[data-testid="webhook-delivery"][data-event="email.delivered"]')).toHaveCount(1);
  await shootAndCheck(page, "/dashboard/webhooks?failed=1", "webhooks-attempts", async () => {
    await page
      .locator(
        '[data-testid="webhook-delivery"][data-event="email.delivered"] [data-testid="webhook-attempts"] summary',
      )
      .click();
  });

  failing = false;
  const before = receiver.received.filter((r) => r.path === "/flaky").length;
  const clicked = Date.now();
  await page.goto("/dashboard/webhooks");
  await delivered.getByTestId("retry-now").click();
  await expect(delivered).toHaveAttribute("data-status", "succeeded", { timeout: 15_000 });
  expect(Date.now() - clicked).toBeLessThan(25_000); // well before the scheduled retry
  expect(receiver.received.filter((r) => r.path === "/flaky").length).toBeGreaterThan(before);
  await delivered.getByTestId("webhook-attempts").locator("summary").click();
  await expect(delivered.getByTestId("webhook-attempt-body").first()).toHaveText("thanks");
  await page.goto("/dashboard/webhooks?failed=1");
  await expect(page.locator('[data-testid="webhook-delivery"][data-event="email.delivered"]')).toHaveCount(0);
});

test("deliverability: the chart and totals match the history sent", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const email = `deliv-${Date.now()}@example.com`;
  const domain = domainFor(email);
  await signIn(page, email);
  await subscribe(page);
  await verifySenderDomain(page, domain);
  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill("Newsletter");
  await page.getByTestId("create-api-key").click();
  const token = (await page.getByTestId("new-api-key").textContent())!.trim();
  const mailkit = new Resend(token, { baseUrl: `${baseURL}/api` });

  // 18 delivered (one of them complains), 2 bounced: bounce rate 2 / 20 = 10 %, complaint rate 1 / 18.
  const to = [
    ...Array.from({ length: 17 }, (_, i) => `delivered+n${i}@resend.dev`),
    "complained@resend.dev",
    "bounced+a@resend.dev",
    "bounced+b@resend.dev",
  ];
  const sent = await mailkit.emails.send({ from: `News <news@${domain}>`, to, subject: "Monthly news", text: "Hi" });
  expect(sent.error).toBeNull();

  const today = new Date().toISOString().slice(0, 10);
  const bounceBar = page.locator(`[data-testid="bounce-bar"][data-day="${today}"]`);
  await expect
    .poll(
      async () => {
        await page.goto(`/dashboard/deliverability?domain=${domain}&days=7`);
        return page.getByTestId("total-complaint-rate").textContent();
      },
      { timeout: 30_000 },
    )
    .toBe("5.6 %");
  await expect(page.getByTestId("total-delivered")).toHaveText("18");
  await expect(page.getByTestId("total-bounced")).toHaveText("2");
  await expect(page.getByTestId("total-bounce-rate")).toHaveText("10 %");
  await expect(bounceBar).toHaveAttribute("data-rate", (2 / 20).toFixed(5));
  await expect(page.locator(`[data-testid="complaint-bar"][data-day="${today}"]`)).toHaveAttribute(
    "data-rate",
    (1 / 18).toFixed(5),
  );
  await expect(page.locator('[data-testid="bounce-bar"]')).toHaveCount(1); // no other day had mail
  await expect(bounceBar).toHaveClass(/fill-red-500/); // over the 4 % line
  // The 4 % line is drawn below the top of today's 10 % bar (SVG y grows downwards), and labelled.
  const lineY = Number(await page.getByTestId("bounce-threshold").getAttribute("y1"));
  const barTop = Number(await bounceBar.getAttribute("y"));
  expect(barTop).toBeLessThan(lineY);
  await expect(page.getByTestId("bounce-chart")).toContainText("4 % limit");

  // Open tracking on: saved in Resend (the emulator's domain) and shown checked again.
  await page.getByTestId("open-tracking").check();
  await page.getByTestId("save-tracking").click();
  await expect(page.getByText(`Tracking saved for ${domain}`)).toBeVisible();
  const { data: domains } = await (await page.request.get(`${emulator}/_emulator/resend/domains`)).json();
  expect(domains.find((d: { name: string }) => d.name === domain)).toMatchObject({
    open_tracking: true,
    click_tracking: false,
  });
  await page.reload();
  await expect(page.getByTestId("open-tracking")).toBeChecked();

  await shootAndCheck(page, `/dashboard/deliverability?domain=${domain}&days=7`, "deliverability");
});
