import { expect, test } from "@playwright/test";

test("the landing page shows the product and pricing, and leads to sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Pay for exactly what you send");
  await expect(page.getByText("$19", { exact: true })).toBeVisible();
  await expect(page.getByText("$9", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/landing.png", fullPage: true });

  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("heading", { name: "Sign in to MailKit" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/signin.png", fullPage: true });
});

test("the dashboard redirects signed-out visitors to sign in", async ({ page }) => {
  await page.goto("/dashboard/billing");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdashboard%2Fbilling/);
});
