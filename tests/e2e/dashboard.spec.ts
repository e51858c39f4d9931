import { expect, test } from "@playwright/test";

import {
  adjustBalance,
  dodoCustomer,
  domainFor,
  emulator,
  pauseDodoWebhooks,
  payOnHostedCheckout,
  resumeDodoWebhooks,
  sendFromComposer,
  shot,
  signIn,
  subscribe,
  verifySenderDomain,
} from "./support/mailkit";

/**
 * The dashboard as a new customer uses it: it stays current without reloads, says one consistent thing while a
 * plan activates, and each page says what a customer needs to know at that moment.
 */
test.describe.configure({ mode: "serial" });

const owner = `dash-${Date.now()}@example.com`;

test("one 'plan activating' state while the checkout's webhooks are late, then live without reload", async ({
  page,
}) => {
  await signIn(page, owner);
  await pauseDodoWebhooks(page.request);
  try {
    await page.goto("/dashboard/billing");
    await page.getByTestId("subscribe-button").click();
    await payOnHostedCheckout(page);
    await expect(page.getByTestId("checkout-state")).toHaveText("Plan activating…");

    // Dodo has the plan and its credits; MailKit has not heard yet. Every page says the same thing, from its
    // first paint: the composer first (before any other page refreshed MailKit's copy of the balance), with the
    // live updates held so that what shows is what the page painted.
    await page.route("**/api/live", (route) => route.abort());
    await page.goto("/dashboard/send");
    await expect(page.getByTestId("plan-activating")).toBeVisible();
    expect(await page.getByTestId("composer-balance").textContent()).toBe("5,000");
    // No verified domain yet: To starts with the owner's own address, so the estimate counts that one recipient.
    expect(await page.getByTestId("composer-estimate").textContent()).toBe("1 recipient · 1 credit · 4,999 left");
    await page.unroute("**/api/live");

    await page.goto("/dashboard");
    await expect(page.getByTestId("balance")).toHaveText("5,000");
    await expect(page.getByTestId("plan-activating").first()).toBeVisible();
    await expect(page.getByText("no plan", { exact: true })).toHaveCount(0);
    await expect(page.getByTestId("subscribe-button")).toHaveCount(0);
    await shot(page, "dashboard-plan-activating");
    await page.goto("/dashboard/send");
    await expect(page.getByTestId("plan-activating")).toBeVisible();
    await expect(page.getByTestId("composer-balance")).toHaveText("5,000");
    await page.goto("/dashboard/billing");
    await expect(page.getByTestId("subscribe-button")).toHaveCount(0);
    await expect(page.getByTestId("plan-activating").first()).toBeVisible();
    await expect(page.getByTestId("plan-badge")).toHaveText("activating");
  } finally {
    await resumeDodoWebhooks(page.request);
  }
  // The webhooks land: the open page turns active by itself.
  await expect(page.getByTestId("plan-activating")).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByText("active", { exact: true })).toBeVisible();
  await expect(page.getByText("You are subscribed")).toBeVisible();
});

test("a balance changed through the emulator shows on an open dashboard within 5 s", async ({ page }) => {
  await signIn(page, owner);
  await page.goto("/dashboard");
  await expect(page.getByTestId("balance")).toHaveText("5,000");
  // A marker in the page's JavaScript state survives an in-place update but not a reload.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await adjustBalance(page.request, owner, -250);
  await expect(page.getByTestId("balance")).toHaveText("4,750", { timeout: 5_000 });
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});

test("the low-balance banner appears on an open dashboard within 5 s, without a reload", async ({ page }) => {
  await signIn(page, owner);
  await page.goto("/dashboard");
  const before = Number((await page.getByTestId("balance").textContent())!.replace(/,/g, ""));
  expect(before).toBeGreaterThan(1_000); // above 20% of the plan's 5,000
  await expect(page.getByTestId("low-balance-banner")).toHaveCount(0);
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await adjustBalance(page.request, owner, -(before - 900));
  await expect(page.getByTestId("low-balance-banner")).toContainText("900 email credits left", { timeout: 5_000 });
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await adjustBalance(page.request, owner, before - 900); // back where the next tests expect it
  await expect(page.getByTestId("low-balance-banner")).toHaveCount(0, { timeout: 5_000 });
});

test("credits expire 31 days after each grant, and every place that sells or shows them says so", async ({ page }) => {
  await signIn(page, owner);
  await page.goto("/dashboard/billing");
  const row = page.getByTestId("grant-row").filter({ hasText: "Plan credits" });
  const cells = row.getByRole("cell");
  const granted = Date.parse(`${await cells.nth(1).textContent()} UTC`);
  const expires = Date.parse(`${await cells.nth(3).textContent()} UTC`);
  expect((expires - granted) / 86_400_000).toBe(31);
  await expect(page.getByText("Credits expire 31 days after they are added").first()).toBeVisible();
  // The top-up button itself says how long what it sells lasts (its caption is its accessible description).
  const topUp = page.locator("#top-up");
  await expect(topUp.getByTestId("top-up-caption")).toHaveText("+5,000 credits · expire after 31 days");
  await expect(topUp.getByTestId("top-up-button")).toHaveAccessibleDescription(/expire after 31 days/);
  await page.goto("/");
  await expect(page.getByTestId("price-card").first()).toContainText("expire 31 days");
  await expect(page.getByTestId("price-card").nth(1)).toContainText("expire 31 days");
});

test("composer: live estimate, errors that clear once fixed, toast, a live 'Last sent'", async ({ page }) => {
  await signIn(page, owner);
  await verifySenderDomain(page, domainFor(owner));
  await page.goto("/dashboard/send");
  const available = Number((await page.getByTestId("composer-balance").textContent())!.replace(/,/g, ""));
  await expect(page.locator("form[data-ready]")).toBeAttached(); // hydrated: typing now updates the estimate
  await page.getByTestId("composer-to").fill("ada@example.com, grace@example.com, ADA@example.com");
  await expect(page.getByTestId("composer-estimate")).toHaveText(
    `2 recipients · 2 credits · ${(available - 2).toLocaleString("en-US")} left`,
  );

  // A field error stays while the field is still wrong and goes once it is corrected, before sending again.
  await page.getByTestId("composer-to").fill("not-an-address");
  await page.getByTestId("send-button").click();
  await expect(page.getByTestId("composer-error-to")).toBeVisible();
  await expect(page.getByTestId("composer-error-subject")).toBeVisible();
  await page.getByTestId("composer-subject").fill("Hello");
  await expect(page.getByTestId("composer-error-subject")).toHaveCount(0);
  await page.getByTestId("composer-to").fill("ada@");
  await expect(page.getByTestId("composer-error-to")).toBeVisible();
  await page.getByTestId("composer-to").fill("delivered@resend.dev");
  await expect(page.getByTestId("composer-error-to")).toHaveCount(0);

  await page.getByTestId("composer-body").fill("Hi");
  await page.getByTestId("send-button").click();
  await expect(page.getByText("on its way")).toBeVisible(); // the toast
  // The form empties; the outcome moves next to the balance as "Last sent", not as a result of that form.
  await expect(page.getByTestId("composer-to")).toHaveValue("");
  const lastSent = page.getByTestId("last-sent");
  await expect(lastSent.getByRole("heading", { name: "Last sent" })).toBeVisible();
  await expect(lastSent.getByTestId("send-result")).toContainText("1 credit");
  // The status moves on its own (queued/sent → delivered) through the live updates.
  await expect(lastSent.getByTestId("send-status")).toHaveAttribute("data-status", "delivered");
  await shot(page, "composer-sent");

  // Its "left" is the live balance, not the figure of the moment it was sent.
  const left = available - 1;
  await expect(lastSent.getByTestId("balance-after-send")).toContainText(`${left.toLocaleString("en-US")} left`);
  await adjustBalance(page.request, owner, -5);
  await expect(lastSent.getByTestId("balance-after-send")).toContainText(`${(left - 5).toLocaleString("en-US")} left`, {
    timeout: 5_000,
  });
  await expect(page.getByTestId("composer-balance")).toHaveText((left - 5).toLocaleString("en-US"));
  await adjustBalance(page.request, owner, 5);

  // Starting the next email leaves the history alone; the toast's "View message" opens the message.
  await page.getByTestId("composer-to").fill("delivered@resend.dev");
  await expect(lastSent).toBeVisible();
  await page.getByTestId("composer-subject").fill("Second");
  await page.getByTestId("composer-body").fill("Hi again");
  await page.getByTestId("send-button").click();
  const toastAction = page.locator("[data-sonner-toast]").getByRole("button", { name: "View message" }).first();
  await expect(toastAction).toBeVisible();
  await expect(lastSent.getByTestId("send-status")).toBeVisible();
  const href = await lastSent.getByRole("link", { name: "View message" }).getAttribute("href");
  await toastAction.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.getByTestId("message-timeline")).toBeVisible();
});

test("timeline times are in the reader's time zone (Asia/Kolkata, UTC+05:30)", async ({ browser }) => {
  const context = await browser.newContext({ timezoneId: "Asia/Kolkata" });
  const page = await context.newPage();
  await signIn(page, owner);
  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill("Time zone");
  await page.getByTestId("create-api-key").click();
  const token = (await page.getByTestId("new-api-key").textContent())!.trim();
  await sendFromComposer(page, "delivered@resend.dev", "Time zone");
  const href = (await page.getByTestId("last-sent").getByRole("link", { name: "View message" }).getAttribute("href"))!;
  const id = href.split("/").at(-1)!;
  const api = await page.request.get(`/api/emails/${id}`, { headers: { authorization: `Bearer ${token}` } });
  const { created_at } = (await api.json()) as { created_at: string };

  // The "Queued" step is the email's created_at, shown to the second in India's time.
  const expected = new Date(created_at).toLocaleString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZone: "Asia/Kolkata",
    timeZoneName: "short",
  });
  expect(expected).toContain("GMT+5:30");
  await page.goto(href);
  const queued = page.getByTestId("timeline-entry").filter({ hasText: /^Queued/ });
  const time = queued.locator("time");
  await expect(time).toHaveAttribute("datetime", created_at);
  const text = (s: string) => s.replace(/\s+/g, " ");
  await expect.poll(async () => text((await time.textContent()) ?? "")).toBe(text(expected));
  await context.close();
});

test("the timeline lists MailKit's steps before the provider's, to the second", async ({ page }) => {
  await signIn(page, owner);
  await verifySenderDomain(page, domainFor(owner));
  await sendFromComposer(page, "delivered@resend.dev", "Timeline order");
  await page.getByRole("link", { name: "View message" }).first().click();
  await expect(page).toHaveURL(/\/dashboard\/messages\/[^/]+$/);
  const entries = page.getByTestId("timeline-entry");
  const titleOf = entries.locator("p:first-of-type");
  await expect(titleOf.filter({ hasText: /^Delivered$/ })).toHaveCount(1); // arrives live
  const titles = await titleOf.allTextContents();
  const accepted = titles.findIndex((t) => t.startsWith("Accepted"));
  const delivered = titles.findIndex((t) => t === "Delivered");
  expect(accepted).toBeGreaterThan(0);
  expect(delivered).toBeGreaterThan(accepted);
  await expect(entries.first().locator("time")).toHaveText(/\d{1,2}:\d{2}:\d{2}\s?[AP]M/);
  await expect(page.getByTestId("message-id")).toBeVisible();
  await expect(page.getByTestId("copy-button").first()).toBeVisible();
});

test("the message log updates statuses without a reload", async ({ page }) => {
  await signIn(page, owner);
  await verifySenderDomain(page, domainFor(owner));
  await page.goto("/dashboard/messages");
  const before = await page.getByTestId("message-row").count();
  const { Resend } = await import("resend");
  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill("Live log");
  await page.getByTestId("create-api-key").click();
  const token = (await page.getByTestId("new-api-key").textContent())!.trim();
  await page.goto("/dashboard/messages");
  const mailkit = new Resend(token, { baseUrl: `${new URL(page.url()).origin}/api` });
  const sent = await mailkit.emails.send({
    from: `a@${domainFor(owner)}`,
    to: "bounced@resend.dev",
    subject: "Live row",
    text: "x",
  });
  expect(sent.error).toBeNull();
  await expect(page.getByTestId("message-row")).toHaveCount(before + 1, { timeout: 10_000 });
  await expect(page.getByTestId("message-row").first()).toHaveAttribute("data-status", "bounced", { timeout: 10_000 });
});

test("at zero credits with an active plan the overview does not say 'subscribe'", async ({ page }) => {
  await signIn(page, owner);
  const customer = await dodoCustomer(page.request, owner);
  const balance = Number(customer.balances.find((b) => b.name === "Email Credits")!.balance);
  await adjustBalance(page.request, owner, -balance);
  await page.goto("/dashboard");
  await expect(page.getByTestId("balance")).toHaveText("0");
  await expect(page.getByTestId("balance-summary")).toContainText("You've used all your credits");
  await expect(page.getByText("No credits yet")).toHaveCount(0);
  await expect(page.getByText("so your sends don't stop at zero")).toHaveCount(0);
  await expect(page.getByTestId("low-balance-banner")).toContainText("Out of credits");
  await shot(page, "dashboard-zero-with-plan");
  await adjustBalance(page.request, owner, 5_000);
});

test("revoking a key needs a confirmation", async ({ page }) => {
  await signIn(page, owner);
  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill("To revoke");
  await page.getByTestId("create-api-key").click();
  // The snippet to send with the new key, ready to copy.
  const token = (await page.getByTestId("new-api-key").textContent())!.trim();
  const blocks = page.getByTestId("code-block");
  await expect(blocks.filter({ hasText: "curl" })).toContainText(`Bearer ${token}`);
  await expect(blocks.filter({ hasText: "new Resend(" })).toContainText(token);
  // Pasted as it is, it works: from the owner's verified domain (earlier tests verified it).
  await expect(blocks.filter({ hasText: "curl" })).toContainText(`hello@${domainFor(owner)}`);
  await expect(blocks.filter({ hasText: "new Resend(" })).toContainText(`hello@${domainFor(owner)}`);
  await shot(page, "api-keys-snippet");

  await page.reload();
  const row = page.getByTestId("api-key-row").filter({ hasText: "To revoke" });
  await row.getByTestId("revoke-api-key").click();
  const dialog = page.getByTestId("revoke-api-key-dialog").filter({ visible: true });
  await expect(dialog).toBeVisible();
  await shot(page, "api-keys-revoke-dialog");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row).not.toContainText("Revoked");

  await row.getByTestId("revoke-api-key").click();
  await page.getByTestId("revoke-api-key-confirm").filter({ visible: true }).click();
  await expect(row).toContainText("Revoked");
  await expect(page.getByText(/Key “To revoke” revoked/)).toBeVisible(); // toast
});

test("unknown dashboard URLs and other people's messages are a 404 inside the app", async ({ page, browser }) => {
  await signIn(page, owner);
  const missing = await page.goto("/dashboard/does-not-exist");
  expect(missing?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Dashboard" })).toBeAttached();
  await shot(page, "dashboard-404");

  await page.goto("/dashboard/messages");
  const href = await page.getByTestId("message-row").first().getByRole("link").first().getAttribute("href");
  const other = await browser.newPage();
  await signIn(other, `stranger-${Date.now()}@example.com`);
  const foreign = await other.goto(href!);
  expect(foreign?.status()).toBe(404);
  await expect(other.getByTestId("not-found")).toBeVisible();
  expect((await other.goto("/dashboard/messages/not-a-real-id"))?.status()).toBe(404);
  expect((await other.goto("/dashboard/messages/%00"))?.status()).toBe(404);
  await other.close();
});

test("a declined plan payment is labelled the plan, with the reason; paid ones link Dodo's invoice", async ({
  page,
}) => {
  const buyer = `declined-${Date.now()}@example.com`;
  await signIn(page, buyer);
  await page.goto("/dashboard/billing");
  await page.getByTestId("subscribe-button").click();
  await payOnHostedCheckout(page, "4000 0000 0000 0002");
  await expect(page).toHaveURL(/status=failed/);
  await page.goto("/dashboard/billing");
  const failed = page.locator('[data-testid="payment-row"][data-state="failed"]');
  await expect(failed).toContainText("MailKit Plan");
  await expect(failed).toContainText("Subscription");
  await expect(failed).toContainText("Failed");
  await expect(failed).toContainText("$19.00");
  await expect(failed.getByTestId("payment-reason")).toHaveText("Your card was declined.");

  await subscribe(page);
  await page.goto("/dashboard/billing");
  const paid = page.locator('[data-testid="payment-row"][data-state="paid"]');
  await expect(paid).toContainText("MailKit Plan");
  await expect(paid).toContainText("Paid");
  const invoice = await paid.getByTestId("payment-invoice").getAttribute("href");
  expect(invoice).toContain(`${emulator}/invoices/payments/pay_`);
  await page.goto(invoice!);
  await expect(page.getByTestId("receipt-total")).toHaveText("$19.00");
  await expect(page.getByTestId("receipt-product")).toHaveText("MailKit Plan");
});

test("cancel plan needs a confirmation and ends the plan at the period's end", async ({ page }) => {
  await signIn(page, owner);
  await page.goto("/dashboard/billing");
  await page.getByTestId("cancel-plan").click();
  const dialog = page.getByTestId("cancel-plan-dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(dialog).toBeHidden();
  await page.getByTestId("cancel-plan").click();
  await page.getByTestId("cancel-plan-confirm").click();
  await expect(page.getByTestId("plan-ends")).toBeVisible({ timeout: 10_000 }); // via Dodo's webhook, live
});

test("landing pricing cards have buttons that lead to billing", async ({ page }) => {
  await page.goto("/");
  const cards = page.getByTestId("price-card");
  await expect(cards).toHaveCount(2);
  await cards.first().getByRole("link", { name: "Subscribe" }).click();
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdashboard%2Fbilling/);
});
