import { expect, test, type Page } from "@playwright/test";

import { domainFor, signIn, subscribe, verifySenderDomain, waitForEmail } from "./support/mailkit";

/** Keyboard only: sign in → send an email → revoke a key, with Tab, typing, Enter and Space. */

/** Presses Tab until the focused element matches, failing after `max` presses. */
async function tabTo(
  page: Page,
  matches: (el: { testid: string | null; text: string; name: string | null }) => boolean,
  max = 40,
) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return {
        testid: el?.getAttribute("data-testid") ?? null,
        text: (el?.textContent ?? "").trim(),
        name: el?.getAttribute("name") ?? null,
      };
    });
    if (matches(focused)) return;
  }
  throw new Error("never reached the element with Tab");
}

test("sign in, send and revoke a key with the keyboard alone", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const email = `keyboard-${Date.now()}@example.com`;
  // Setup through the mouse in another page: a plan and a key to revoke.
  const setup = await browser.newPage();
  await signIn(setup, email);
  await subscribe(setup);
  await setup.goto("/dashboard/keys");
  await setup.getByTestId("api-key-name").fill("Keyboard key");
  await setup.getByTestId("create-api-key").click();
  await expect(setup.getByTestId("new-api-key")).toBeVisible();
  await verifySenderDomain(setup, domainFor(email)); // the composer's default from is on it
  await setup.close();

  // Sign in: the skip link comes first, then the form.
  await page.goto("/signin");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await tabTo(page, (el) => el.name === "email");
  await page.keyboard.type(email);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const message = await waitForEmail(page.request, email, /Sign in to MailKit/);
  const link = message.links.filter((l) => l.includes("/api/auth/callback/resend")).at(-1)!;
  await page.goto(link); // following the link in the email
  await expect(page).toHaveURL(/\/dashboard/);

  // Send.
  await page.goto("/dashboard/send");
  await tabTo(page, (el) => el.testid === "composer-to");
  await page.keyboard.type("delivered@resend.dev");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Typed, not clicked");
  await tabTo(page, (el) => el.testid === "composer-body");
  await page.keyboard.type("Sent without a mouse.");
  await tabTo(page, (el) => el.testid === "send-button");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("send-result")).toContainText("To 1 recipient");

  // Revoke: the button opens the dialog, focus starts on Cancel, Tab reaches the confirmation.
  await page.goto("/dashboard/keys");
  await tabTo(page, (el) => el.testid === "revoke-api-key");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("revoke-api-key-confirm")).toBeFocused();
  await page.keyboard.press("Space");
  await expect(page.getByTestId("api-key-row")).toContainText("Revoked");
});
