import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

import { domainFor, signIn, subscribe, verifySenderDomain } from "./support/mailkit";

/**
 * Messages: search (recipient, subject, id), the UTC date range and the status filter find the right rows; the CSV
 * export holds exactly the filtered list; a message's HTML, plain-text and source tabs and its attachments; a
 * scheduled email cancelled from its page gives its credit back. Screenshots at 1280 and 390 px, light and dark,
 * axe clean. The composer items: To prefilled while onboarding, the refusal under To, the From kept after a send,
 * focus on the outcome after a keyboard send.
 */

type Sent = { id: string };

async function createKey(page: Page): Promise<string> {
  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill("Messages e2e");
  await page.getByTestId("create-api-key").click();
  return (await page.getByTestId("new-api-key").textContent())!.trim();
}

async function apiSend(request: APIRequestContext, token: string, body: Record<string, unknown>): Promise<Sent> {
  const response = await request.post("/api/emails", {
    headers: { authorization: `Bearer ${token}` },
    data: body,
  });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Sent;
}

const dayOffset = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const rowIds = (page: Page) =>
  page.getByTestId("message-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")));

async function screenshotsAndAxe(page: Page, name: string, path: string) {
  await page.emulateMedia({ reducedMotion: "reduce" });
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const viewport of [
      { label: "1280", width: 1280, height: 860 },
      { label: "390", width: 390, height: 844 },
    ]) {
      // axe in two of the four combinations (1280 light, 390 dark): pages.spec.ts runs it on all four of the plain
      // pages; here it covers the states only this flow reaches (search results, a scheduled email, attachments).
      const runAxe = (theme === "light") === (viewport.label === "1280");
      await page.setViewportSize(viewport);
      await page.goto(path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} at ${viewport.label} px scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
      await page.screenshot({
        path: `test-results/screenshots/messages/${name}-${viewport.label}-${theme}.png`,
        fullPage: true,
        animations: "disabled",
      });
      if (!runAxe) continue;
      // The sandboxed preview holds the customer's own email (no scripts run there, so axe cannot enter it).
      const { violations } = await new AxeBuilder({ page }).exclude("iframe[title='HTML content']").analyze();
      const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(
        serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        `${name} ${viewport.label} ${theme}`,
      ).toEqual([]);
    }
  }
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.emulateMedia({ colorScheme: "light" });
}

test("search, date range, export, detail tabs, attachments and cancelling a scheduled email", async ({ page }) => {
  test.setTimeout(900_000); // 12 screenshots and 6 axe runs on 2 shared, busy cores
  const email = `messages-${Date.now()}@example.com`;
  const domain = domainFor(email);
  await signIn(page, email);
  await subscribe(page);
  await verifySenderDomain(page, domain);
  const token = await createKey(page);
  const from = `Acme Billing <billing@${domain}>`;

  const invoice = await apiSend(page.request, token, {
    from,
    to: ["ada@example.com"],
    subject: "Invoice 1042 for November",
    html: "<h1>Invoice 1042</h1><p>Thanks, Ada.</p>",
    text: "Invoice 1042. Thanks, Ada.",
    headers: { "X-Entity-Ref-ID": "inv-1042" },
    attachments: [
      {
        filename: "invoice-1042.pdf",
        content: Buffer.from("%PDF-1.4 fake invoice").toString("base64"),
        content_type: "application/pdf",
      },
    ],
  });
  const welcome = await apiSend(page.request, token, {
    from,
    to: ["grace@example.com"],
    cc: ["team@example.com"],
    subject: "Welcome aboard",
    text: "Hello Grace",
  });
  // A subject with LIKE's wildcards: a search for "100%" must not match everything.
  const percent = await apiSend(page.request, token, {
    from,
    to: ["linus@example.com"],
    subject: "100% off, today only",
    text: "Sale",
  });

  // Search by recipient (part of it, any case), by a cc, by subject, by id.
  await page.goto("/dashboard/messages?q=ADA@EXAMPLE");
  await expect.poll(() => rowIds(page)).toEqual([invoice.id]);
  await page.goto("/dashboard/messages");
  await page.getByRole("searchbox", { name: "Search" }).fill("team@example.com");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/q=team%40example.com/);
  await expect.poll(() => rowIds(page)).toEqual([welcome.id]);
  await page.goto("/dashboard/messages?q=invoice%201042");
  await expect.poll(() => rowIds(page)).toEqual([invoice.id]);
  await page.goto(`/dashboard/messages?q=${percent.id}`);
  await expect.poll(() => rowIds(page)).toEqual([percent.id]);
  await page.goto("/dashboard/messages?q=100%25");
  await expect.poll(() => rowIds(page)).toEqual([percent.id]);
  await page.goto("/dashboard/messages?q=nobody-like-this");
  await expect(page.getByTestId("messages-empty")).toHaveText("No messages match this search.");

  // The date range, in whole UTC days: today holds all three; the day before or after holds none.
  await page.goto(`/dashboard/messages?from=${dayOffset(0)}&to=${dayOffset(0)}`);
  await expect.poll(async () => (await rowIds(page)).sort()).toEqual([invoice.id, welcome.id, percent.id].sort());
  await page.goto(`/dashboard/messages?from=${dayOffset(1)}`);
  await expect(page.getByTestId("messages-empty")).toBeVisible();
  await page.goto(`/dashboard/messages?to=${dayOffset(-1)}`);
  await expect(page.getByTestId("messages-empty")).toBeVisible();
  // Search, dates and status combine; the status links keep the search.
  await page.goto(`/dashboard/messages?q=example.com&from=${dayOffset(0)}`);
  await expect.poll(async () => (await rowIds(page)).length).toBe(3);
  await page.getByTestId("status-filter").getByRole("link", { name: "Delivered" }).click();
  await expect(page).toHaveURL(/q=example.com/);
  await expect(page).toHaveURL(/status=delivered/);

  // Input nobody could have meant: a clear message and no rows, never a 5xx. A NUL never reaches the page: the
  // app's proxy answers 400 naming the parameter.
  const nul = await page.goto("/dashboard/messages?q=%00");
  expect(nul!.status()).toBe(400);
  expect(await nul!.text()).toContain("must not contain NUL");
  const replaced = await page.goto("/dashboard/messages?q=%FF"); // decoded as U+FFFD: a search like any other
  expect(replaced!.status()).toBe(200);
  await expect(page.getByTestId("messages-empty")).toHaveText("No messages match this search.");
  for (const query of [`q=${"x".repeat(5000)}`, "from=2026-02-31", "from=2026-12-08&to=2026-12-01"]) {
    const response = await page.goto(`/dashboard/messages?${query}`);
    expect(response!.status(), query).toBe(200);
    await expect(page.getByTestId("messages-filter-problem"), query).toBeVisible();
    await expect(page.getByTestId("message-row")).toHaveCount(0);
  }

  // The export holds exactly the filtered list, newest first, with the page's filter.
  await page.goto("/dashboard/messages?q=example.com");
  const shown = await rowIds(page);
  const exportHref = await page.getByTestId("messages-export").getAttribute("href");
  expect(exportHref).toBe("/dashboard/messages/export?q=example.com");
  const csv = await page.request.get(exportHref!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(csv.headers()["content-disposition"]).toMatch(/attachment; filename="mailkit-messages-/);
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toBe("id,created_at,from,to,cc,bcc,subject,status,credits,source,api_key,provider_id");
  expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(shown);
  const narrowed = await page.request.get("/dashboard/messages/export?q=welcome");
  expect(
    (await narrowed.text())
      .trim()
      .split("\r\n")
      .slice(1)
      .map((l) => l.split(",")[0]),
  ).toEqual([welcome.id]);
  expect((await page.request.get("/dashboard/messages/export?from=2026-02-31")).status()).toBe(422);
  // Signed out, the export is refused (the customer comes from the session only).
  const anonymous = await page.context().browser()!.newContext();
  expect(
    (
      await anonymous.request.get(`${new URL(page.url()).origin}/dashboard/messages/export`, { maxRedirects: 0 })
    ).status(),
  ).toBeGreaterThanOrEqual(300);
  await anonymous.close();

  // The message page: HTML, plain text and source tabs; the attachment listed.
  await page.goto(`/dashboard/messages/${invoice.id}`);
  await expect(page.getByRole("tab", { name: "HTML" })).toHaveAttribute("aria-selected", "true");
  await expect(
    page.frameLocator("iframe[title='HTML content']").getByRole("heading", { name: "Invoice 1042" }),
  ).toBeVisible();
  await page.getByRole("tab", { name: "Plain text" }).click();
  await expect(page.getByTestId("content-panel-text")).toContainText("Invoice 1042. Thanks, Ada.");
  await page.getByRole("tab", { name: "Plain text" }).press("ArrowRight");
  await expect(page.getByRole("tab", { name: "Source" })).toBeFocused();
  await expect(page.getByTestId("source-headers")).toContainText(`From: ${from}`);
  await expect(page.getByTestId("source-headers")).toContainText("X-Entity-Ref-ID: inv-1042");
  await expect(page.getByTestId("source-request")).toContainText("POST /emails");
  await expect(page.getByTestId("source-request")).toContainText("Idempotency-Key: mailkit-send/");
  await expect(page.getByTestId("source-request")).not.toContainText(token);
  await expect(page.getByTestId("source-payload")).toContainText('"content_type": "application/pdf"');
  await expect(page.getByTestId("source-payload")).toContainText("bytes, Base64");
  await expect(page.getByTestId("attachment-name")).toHaveText("invoice-1042.pdf");
  await expect(page.getByTestId("attachment-type")).toHaveText("application/pdf");
  await expect(page.getByTestId("attachment-size")).toHaveText("21 bytes");
  await screenshotsAndAxe(page, "message-detail", `/dashboard/messages/${invoice.id}`);

  // A scheduled email: Cancel on its page gives its credit back.
  const creditsNow = async () => {
    await page.goto("/dashboard/send");
    return Number((await page.getByTestId("composer-balance").textContent())!.replace(/,/g, ""));
  };
  const before = await creditsNow();
  const later = await apiSend(page.request, token, {
    from,
    to: ["later@example.com"],
    subject: "See you tomorrow",
    text: "Scheduled",
    scheduled_at: new Date(Date.now() + 3600_000).toISOString(),
  });
  await page.goto(`/dashboard/messages/${later.id}`);
  await expect(page.getByTestId("send-status")).toHaveAttribute("data-status", /queued|scheduled/);
  await expect.poll(creditsNow).toBe(before - 1);
  await page.goto(`/dashboard/messages/${later.id}`);
  await expect(page.getByTestId("message-scheduled-at")).toBeVisible();
  await screenshotsAndAxe(page, "message-scheduled", `/dashboard/messages/${later.id}`);
  await page.getByTestId("cancel-email").click();
  await expect(page.getByTestId("cancel-result")).toContainText("Cancelled");
  await expect(page.getByTestId("cancel-result")).toBeFocused();
  await page.reload();
  await expect(page.getByTestId("send-status")).toHaveAttribute("data-status", "canceled");
  await expect(page.getByTestId("message-credits")).toHaveText("0");
  await expect(page.getByTestId("cancel-email")).toHaveCount(0);
  await expect.poll(creditsNow, { timeout: 20_000 }).toBe(before);
  // Through the API, cancelling again answers the same; an email already sent is refused.
  const again = await page.request.post(`/api/emails/${later.id}/cancel`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(await again.json()).toEqual({ object: "email", id: later.id });
  const sentAlready = await page.request.post(`/api/emails/${welcome.id}/cancel`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(sentAlready.status()).toBe(422);
  expect(await creditsNow()).toBe(before);

  await page.goto(`/dashboard/messages?status=canceled`);
  await expect.poll(() => rowIds(page)).toEqual([later.id]);
  await screenshotsAndAxe(page, "messages-list", "/dashboard/messages");
});

test("composer: To prefilled and the refusal under To while onboarding; From kept; focus on the outcome", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const email = `composer-${Date.now()}@example.com`;
  await signIn(page, email);
  await subscribe(page);

  // Onboarding: the shared sender reaches only the owner, so To starts with the owner's address.
  await page.goto("/dashboard/send");
  await expect(page.locator("form[data-ready]")).toBeAttached();
  await expect(page.getByTestId("composer-to")).toHaveValue(email);
  await page.getByTestId("composer-to").fill("someone-else@example.com");
  await page.getByTestId("composer-subject").fill("Not yet");
  await page.getByTestId("composer-body").fill("Hi");
  await page.getByTestId("send-button").click();
  await expect(page.getByTestId("composer-error-to")).toContainText("only send from");
  await expect(page.getByTestId("composer-error-from")).toHaveCount(0);

  // With a verified domain: a From with a display name stays after the send, and a keyboard send focuses the outcome.
  const domain = domainFor(email);
  await verifySenderDomain(page, domain);
  await page.goto("/dashboard/send");
  await expect(page.locator("form[data-ready]")).toBeAttached();
  await expect(page.getByTestId("composer-to")).toHaveValue("");
  await page.getByTestId("composer-from").fill(`Ada Lovelace <ada@${domain}>`);
  await page.getByTestId("composer-to").fill("delivered@resend.dev");
  await page.getByTestId("composer-subject").fill("Kept from");
  await page.getByTestId("composer-body").fill("Hello");
  await page.getByTestId("send-button").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("send-result")).toBeVisible();
  await expect(page.getByTestId("last-sent-focus")).toBeFocused();
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe("BODY");
  await expect(page.getByTestId("composer-from")).toHaveValue(`Ada Lovelace <ada@${domain}>`);
  await expect(page.getByTestId("composer-to")).toHaveValue("");

  // Confirming is explained: the badge's tooltip and the Messages page's legend.
  await page.goto("/dashboard/messages");
  await page.getByTestId("status-legend").locator("summary").click();
  await expect(page.getByTestId("status-legend-unknown")).toContainText("never sent twice");
  await expect(page.getByTestId("send-status").first()).toHaveAttribute("title", /.+/);
});
