import { expect, test } from "@playwright/test";
import { Resend } from "resend";

import { domainFor, payOnHostedCheckout, shot, signIn, verifySenderDomain } from "./support/mailkit";

/**
 * A customer creates an API key in the dashboard, sends with the official `resend` SDK pointed at MailKit,
 * sees the email and its cost in the dashboard, reads the API reference, then revokes the key.
 */
test("API keys: create, send with the resend SDK, see it in the log, revoke", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const email = `developer-${Date.now()}@example.com`;
  await signIn(page, email);
  await page.goto("/dashboard/billing");
  await page.getByTestId("subscribe-button").click();
  await payOnHostedCheckout(page);
  await expect(page.getByTestId("checkout-state")).toHaveText("Payment confirmed");
  await verifySenderDomain(page, domainFor(email));

  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill("Production server");
  await page.getByTestId("create-api-key").click();
  const token = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(token).toMatch(/^mk_/);
  await shot(page, "api-keys-created");
  await page.reload();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0); // shown once
  await expect(page.getByTestId("api-key-row")).toContainText("Production server");

  const mailkit = new Resend(token, { baseUrl: `${baseURL}/api` });
  const sent = await mailkit.emails.send({
    from: `App <app@${domainFor(email)}>`,
    to: ["delivered@resend.dev", "DELIVERED@resend.dev", "complained@resend.dev"],
    subject: "Sent from code",
    text: "Hello through MailKit's API",
  });
  expect(sent.error).toBeNull();
  expect(sent.data?.id).toBeTruthy();
  expect(sent.headers?.["x-mailkit-credits-charged"]).toBe("2"); // two distinct recipients
  expect(sent.headers?.["x-mailkit-credits-remaining"]).toBe("4998");

  await page.goto("/dashboard/messages");
  await expect(page.getByText("Sent from code")).toBeVisible();
  await page.getByRole("link", { name: "delivered@resend.dev" }).first().click();
  await expect(page).toHaveURL(/\/dashboard\/messages\/[^/]+$/);
  await expect(page.getByText("Sent from code").first()).toBeVisible();
  await expect(page.getByText("Delivered").first()).toBeVisible();
  await shot(page, "message-detail");

  await page.goto("/dashboard/docs");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await shot(page, "api-reference");

  await page.goto("/dashboard/keys");
  await page.getByTestId("revoke-api-key").click();
  await page.getByTestId("revoke-api-key-confirm").click();
  await expect(page.getByTestId("api-key-row")).toContainText(/revoked/i);
  const refused = await mailkit.emails.send({
    from: `App <app@${domainFor(email)}>`,
    to: "delivered@resend.dev",
    subject: "x",
    text: "x",
  });
  expect(refused.error?.statusCode).toBe(401);
  await shot(page, "api-keys-revoked");
});
