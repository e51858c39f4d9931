import { expect, test } from "@playwright/test";

import { emulator, shot, waitForEmail } from "./support/mailkit";

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

test("asking for a magic link shows the check-email page, and the link arrives in the local inbox", async ({
  page,
}) => {
  const email = `visitor-${Date.now()}@example.com`;
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await shot(page, "signin-check-email");

  const message = await waitForEmail(page.request, email, /Sign in to MailKit/);
  await page.getByTestId("local-inbox-link").click();
  await expect(page).toHaveURL(/\/inbox/);
  await page.goto(`${emulator}/inbox/${message.id}`);
  await shot(page, "email-sign-in");
});

test("a bad email address is refused with a clear message", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill("not-an-email@");
  await page.getByLabel("Email").evaluate((input: HTMLInputElement) => (input.type = "text")); // bypass the browser's own check
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Enter a valid email address" })).toBeVisible();
});
