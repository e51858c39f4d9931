import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

import { PageSkeleton } from "@/components/shell/page-skeleton";

import { domainFor, sendFromComposer, signIn, subscribe, verifySenderDomain } from "./support/mailkit";

/**
 * Every page, at 1280 and 390 px, light and dark: a screenshot in test-results/screenshots/, no serious or
 * critical axe violation, and at 360 and 390 px nothing wider than the viewport.
 */
let messagePath = "";

const publicPages = [
  { name: "landing", path: "/" },
  { name: "signin", path: "/signin" },
  { name: "signin-check-email", path: "/signin/check-email" },
  { name: "public-404", path: "/no-such-page" },
];
const dashboardPages = [
  { name: "overview", path: "/dashboard" },
  { name: "send", path: "/dashboard/send" },
  { name: "messages", path: "/dashboard/messages" },
  { name: "message", path: () => messagePath },
  { name: "domains", path: "/dashboard/domains" },
  { name: "keys", path: "/dashboard/keys" },
  { name: "logs", path: "/dashboard/logs" },
  { name: "deliverability", path: "/dashboard/deliverability" },
  { name: "suppressions", path: "/dashboard/suppressions" },
  { name: "webhooks", path: "/dashboard/webhooks" },
  { name: "billing", path: "/dashboard/billing" },
  { name: "checkout-return", path: "/dashboard/billing/return?kind=topup" },
  { name: "docs", path: "/dashboard/docs" },
  { name: "dashboard-404", path: "/dashboard/no-such-page" },
];

const viewports = [
  { label: "1280", width: 1280, height: 860 },
  { label: "390", width: 390, height: 844 },
];
const themes = ["light", "dark"] as const;

async function check(page: Page, name: string, path: string) {
  await page.emulateMedia({ reducedMotion: "reduce" }); // spinners hold still for screenshots and axe
  for (const theme of themes) {
    await page.emulateMedia({ colorScheme: theme });
    for (const viewport of viewports) {
      await page.setViewportSize(viewport);
      await page.goto(path);
      await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
      // React reveals streamed content in batches: the page is checked once its loading skeleton is gone.
      await expect(page.getByTestId("page-skeleton")).toHaveCount(0);
      await page.screenshot({
        path: `test-results/screenshots/pages/${name}-${viewport.label}-${theme}.png`,
        fullPage: true,
        animations: "disabled",
      });
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(
        serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        `${name} ${viewport.label} ${theme}`,
      ).toEqual([]);
    }
  }
  for (const width of [360, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${width} px is ${overflow} px too wide`).toBeLessThanOrEqual(0);
  }
}

test("the loading skeleton a slow page shows has no serious or critical axe violation", async ({ page }) => {
  await page.setContent(
    `<!doctype html><html lang="en"><head><title>Loading</title></head><body><main>${renderToStaticMarkup(createElement(PageSkeleton))}</main></body></html>`,
  );
  await expect(page.getByRole("status")).toHaveText("Loading…");
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
});

for (const p of publicPages) {
  test(`page: ${p.name}`, async ({ page }) => {
    test.setTimeout(180_000); // 4 screenshots and 4 axe runs on 2 shared cores
    await check(page, p.name, p.path);
  });
}

test.describe("signed in", () => {
  const authFile = "test-results/e2e/pages-auth.json";
  test.use({ storageState: authFile });

  // One customer with a plan, a sent email and a key; every dashboard page is then checked as them.
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    const page = await browser.newPage({ storageState: undefined });
    const email = `pages-${Date.now()}@example.com`;
    await signIn(page, email);
    await subscribe(page);
    await verifySenderDomain(page, domainFor(email));
    await sendFromComposer(page, "delivered@resend.dev, bounced@resend.dev", "A page of its own");
    messagePath = (await page.getByRole("link", { name: "View message" }).first().getAttribute("href"))!;
    await page.goto("/dashboard/keys");
    await page.getByTestId("api-key-name").fill("Screenshots");
    await page.getByTestId("create-api-key").click();
    await expect(page.getByTestId("new-api-key")).toBeVisible();
    await page.context().storageState({ path: authFile });
    await page.close();
  });

  for (const p of dashboardPages) {
    test(`page: ${p.name}`, async ({ page }) => {
      test.setTimeout(180_000);
      await check(page, p.name, typeof p.path === "function" ? p.path() : p.path);
    });
  }

  test("page: keys with a revoked key", async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto("/dashboard/keys");
    await page.getByTestId("api-key-name").fill("Revoked for axe");
    await page.getByTestId("create-api-key").click();
    const row = page.getByTestId("api-key-row").filter({ hasText: "Revoked for axe" });
    await row.getByTestId("revoke-api-key").click();
    await page.getByTestId("revoke-api-key-confirm").filter({ visible: true }).click();
    await expect(row).toContainText("Revoked");
    await check(page, "keys-revoked", "/dashboard/keys");
  });

  test("on a phone the dashboard menu reaches every page", async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto("/dashboard");
    const nav = page.getByRole("navigation", { name: "Dashboard" });
    await expect(nav).toBeHidden();
    await page.getByTestId("nav-menu-button").click();
    await expect(nav.getByRole("link", { name: "Billing" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "API reference" })).toBeVisible();
    await nav.getByRole("link", { name: "API keys" }).click();
    await expect(page).toHaveURL(/\/dashboard\/keys$/);
    await expect(nav).toBeHidden(); // closes after navigating
    // The Revoke button is on screen, not beyond the right edge.
    const revoke = page.getByTestId("revoke-api-key").first();
    await revoke.scrollIntoViewIfNeeded();
    const box = (await revoke.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(360);
  });
});

test("dark mode: follows the system, and the toggle overrides it", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  // Lightness 0–255 of the body's background, whatever colour syntax the browser reports (rgb, lab, oklch).
  const lightness = async () => {
    const css = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const numbers = (css.match(/[\d.]+/g) ?? []).map(Number);
    if (css.startsWith("rgb")) return (numbers[0]! + numbers[1]! + numbers[2]!) / 3;
    const l = numbers[0]!;
    return css.includes("%") || l > 1 ? l * 2.55 : l * 255;
  };
  expect(await lightness()).toBeLessThan(60);
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  expect(await lightness()).toBeGreaterThan(200);
  await page.reload(); // the choice is remembered
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
});
