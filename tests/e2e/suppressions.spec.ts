import { readFile } from "node:fs/promises";

import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

import { domainFor, sendFromComposer, shot, signIn, subscribe, verifySenderDomain } from "./support/mailkit";

/**
 * A send to a hard-bouncing address puts it on the customer's suppression list (the Resend emulator's bounce
 * webhook); the composer then leaves it out uncharged, or refuses when nobody else is left; the list searches,
 * exports as CSV and removes an entry behind a confirmation.
 */
test("suppressions: a bounce is listed, later sends leave it out, CSV export, remove", async ({ page }) => {
  test.setTimeout(150_000);
  const email = `suppressions-${Date.now()}@example.com`;
  await signIn(page, email);
  await subscribe(page);
  await verifySenderDomain(page, domainFor(email)); // sends to anyone need a verified sender domain

  await sendFromComposer(page, "bounced@resend.dev", "Bounce me");
  await page.goto("/dashboard/suppressions");
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("suppression-row").count();
      },
      { timeout: 30_000, intervals: [500, 1000] },
    )
    .toBe(1);
  const row = page.getByTestId("suppression-row");
  await expect(row).toHaveAttribute("data-address", "bounced@resend.dev");
  await expect(row).toContainText("Hard bounce");
  await shot(page, "suppressions-desktop");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "suppressions-390");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `suppressions at 390 px is ${overflow} px too wide`).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 860 });
  await noSeriousAxeViolations(page);

  // The causing message is one click away.
  await row.getByRole("link", { name: "View message" }).click();
  await expect(page).toHaveURL(/\/dashboard\/messages\/[^/]+$/);
  await expect(page.getByText("Bounce me").first()).toBeVisible();

  // The composer leaves the suppressed recipient out (not charged) and refuses when nobody is left.
  await sendFromComposer(page, "bounced@resend.dev, friend@example.com", "Partly suppressed");
  await expect(page.getByTestId("send-suppressed")).toContainText("bounced@resend.dev");
  await expect(page.getByTestId("balance-after-send")).toContainText("−1 credit");
  await shot(page, "suppressions-composer-partly");
  await page.goto("/dashboard/send");
  await page.getByTestId("composer-to").fill("bounced@resend.dev");
  await page.getByTestId("composer-subject").fill("All suppressed");
  await page.getByTestId("composer-body").fill("Nobody gets this.");
  await page.getByTestId("send-button").click();
  await expect(page.getByTestId("send-all-suppressed")).toContainText("bounced@resend.dev");
  await shot(page, "suppressions-composer-refused");

  // Search.
  await page.goto("/dashboard/suppressions");
  await page.getByTestId("suppression-search").fill("BOUNCED");
  await page.getByTestId("suppression-search").press("Enter");
  await expect(page).toHaveURL(/q=BOUNCED/);
  await expect(page.getByTestId("suppression-row")).toHaveCount(1);
  await page.getByTestId("suppression-search").fill("nobody-here");
  await page.getByTestId("suppression-search").press("Enter");
  await expect(page.getByTestId("suppressions-empty")).toBeVisible();

  // CSV export downloads the list.
  await page.goto("/dashboard/suppressions");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("export-suppressions").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^mailkit-suppressions-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path())!, "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toBe("address,reason,created_at,email_id");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^bounced@resend\.dev,bounce,\d{4}-\d{2}-\d{2}T[^,]+,[0-9a-f-]{36}$/);
  const response = await page.request.get("/dashboard/suppressions/export");
  expect(response.headers()["content-type"]).toContain("text/csv");

  // Remove, behind a confirmation: Cancel keeps it, Remove takes it off.
  await page.getByTestId("remove-suppression").click();
  await expect(page.getByTestId("remove-suppression-dialog")).toBeVisible();
  await shot(page, "suppressions-remove-confirm");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("suppression-row")).toHaveCount(1);
  await page.getByTestId("remove-suppression").click();
  await page.getByTestId("remove-suppression-confirm").click();
  await expect(page.getByTestId("suppressions-empty")).toBeVisible();
  await expect(page.getByTestId("suppression-row")).toHaveCount(0);
});

async function noSeriousAxeViolations(page: Page) {
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme, reducedMotion: "reduce" });
    await page.reload();
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
      theme,
    ).toEqual([]);
  }
}
