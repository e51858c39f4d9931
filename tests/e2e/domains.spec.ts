import { expect, test } from "@playwright/test";

import { domainFor, emulator, shot, signIn, subscribe } from "./support/mailkit";

/**
 * Sender domains: a customer adds a domain and sees its DNS records, the Resend emulator publishes
 * them (its control plane stands in for the customer's DNS provider), the open page turns verified without a
 * reload, and the composer sends from it. A `from` on another domain is refused before anything is charged.
 */
test("add a domain, publish its records, watch it verify live, send from it", async ({ page }) => {
  test.setTimeout(120_000);
  const email = `domains-${Date.now()}@example.com`;
  const domain = domainFor(email);
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page, email);
  await subscribe(page);

  // Before any domain: the composer explains the onboarding rule and refuses other recipients.
  await page.goto("/dashboard/send");
  await expect(page.getByText("this shared sender reaches only your own address")).toBeVisible();

  await page.goto("/dashboard/domains");
  await expect(page.getByTestId("no-domains")).toBeVisible();
  await page.getByTestId("domain-name").fill(domain.toUpperCase());
  await page.getByTestId("add-domain").click();
  const card = page.locator(`[data-testid="domain-card"][data-domain="${domain}"]`);
  await expect(card).toBeVisible();
  await expect(card.getByTestId("domain-status")).toHaveText("Not started");
  const records = card.getByTestId("dns-record");
  await expect(records).toHaveCount(4);
  await expect(records.nth(0)).toContainText("MX");
  await expect(records.nth(0)).toContainText("feedback-smtp.us-east-1.amazonses.com");
  await expect(records.nth(2)).toContainText("resend._domainkey");
  await expect(records.nth(3)).toContainText("_dmarc");
  await expect(card.getByTestId("copy-button")).toHaveCount(8); // name and value of every record
  // Until it is verified, the name is only claimed: released 72 hours after it was added.
  await expect(card.getByTestId("claim-expiry")).toContainText("not verified within 72 hours");

  // The same name cannot be added twice.
  await page.getByTestId("domain-name").fill(domain);
  await page.getByTestId("add-domain").click();
  await expect(page.getByTestId("domain-error")).toContainText(`already added ${domain}`);

  await card.getByTestId("verify-domain").click();
  await expect(card.getByTestId("domain-status")).toHaveText("Pending");
  await expect(card.getByTestId("dns-record-status").first()).toHaveText("Pending");

  // The DNS records appear: the page turns verified by itself (no reload: the marker survives).
  await page.evaluate(() => ((window as unknown as { __stay: boolean }).__stay = true));
  const published = await page.request.post(`${emulator}/_emulator/resend/domains/${domain}/publish`);
  expect(published.ok(), await published.text()).toBe(true);
  await expect(card.getByTestId("domain-status")).toHaveText("Verified", { timeout: 20_000 });
  await expect(card.getByTestId("dns-record-status")).toHaveText(["Verified", "Verified", "Verified", "Verified"]);
  await expect(card.getByTestId("claim-expiry")).toHaveCount(0); // verified: the name is the customer's
  expect(await page.evaluate(() => (window as unknown as { __stay?: boolean }).__stay)).toBe(true);
  await shot(page, "domains-verified");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(card.getByTestId("domain-status")).toHaveText("Verified");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, "domains-verified-phone");
  await page.setViewportSize({ width: 1280, height: 860 });

  // The composer offers the domain and sends from it.
  await page.goto("/dashboard/send");
  await expect(page.getByTestId("composer-from")).toHaveValue(`hello@${domain}`);
  await expect(page.getByText(`Any address on a verified domain: ${domain}.`)).toBeVisible();
  await page.getByTestId("composer-to").fill("delivered@resend.dev");
  await page.getByTestId("composer-subject").fill("From my own domain");
  await page.getByTestId("composer-body").fill("Sent from a verified domain.");
  await page.getByTestId("send-button").click();
  await expect(page.getByTestId("send-result")).toContainText("1 credit");
  await expect
    .poll(async () => {
      const response = await page.request.get(`${emulator}/_emulator/resend/messages?q=delivered@resend.dev&limit=20`);
      const { data } = (await response.json()) as { data: { from: string; subject: string }[] };
      return data.find((m) => m.subject === "From my own domain")?.from;
    })
    .toBe(`hello@${domain}`);

  // Another domain is refused with the domain named, and nothing is charged.
  await expect(page.getByTestId("composer-balance")).toHaveText("4,999"); // the email above, live
  await page.getByTestId("composer-from").fill("hello@not-mine.test");
  await page.getByTestId("composer-to").fill("delivered@resend.dev");
  await page.getByTestId("composer-subject").fill("Not mine");
  await page.getByTestId("composer-body").fill("x");
  await page.getByTestId("send-button").click();
  await expect(page.getByTestId("composer-error-from")).toContainText("The not-mine.test domain is not verified");
  await expect(page.getByTestId("composer-balance")).toHaveText("4,999");

  // The records break: the page says so without a reload.
  await page.goto("/dashboard/domains");
  const broken = await page.request.post(`${emulator}/_emulator/resend/domains/${domain}/break`);
  expect(broken.ok()).toBe(true);
  await expect(card.getByTestId("domain-status")).toHaveText("Failed", { timeout: 20_000 });
  await shot(page, "domains-failed");

  // Remove it (with a confirmation).
  await card.getByTestId("remove-domain").click();
  await page.getByTestId("remove-domain-confirm").click();
  await expect(card).toHaveCount(0);
  await expect(page.getByTestId("no-domains")).toBeVisible();
});
