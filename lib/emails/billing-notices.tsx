import { Button, Heading, Text } from "@react-email/components";

import { PRODUCT_COPY } from "@/lib/catalog/product";
import { formatDate, formatNumber } from "@/lib/format";

import { EmailLayout, buttonStyle, textStyle } from "./layout";

/** Billing notices beyond the plan's low-balance warning: the owner's own threshold, auto top-up off, expiry. */

const heading = { fontSize: 22, color: "#111827", margin: "0 0 12px" };

export type ThresholdEmailProps = { available: number; threshold: number; billingUrl: string };

export function ThresholdEmail({ available, threshold, billingUrl }: ThresholdEmailProps) {
  return (
    <EmailLayout preview={`${formatNumber(available)} email credits left`}>
      <Heading as="h1" style={heading}>
        Your credits are below {formatNumber(threshold)}
      </Heading>
      <Text style={textStyle}>
        Your MailKit balance is down to <strong>{formatNumber(available)} credits</strong>, below the alert line of{" "}
        {formatNumber(threshold)} you set. When it reaches zero, MailKit refuses new sends until you add credits.
      </Text>
      <Button href={billingUrl} style={buttonStyle}>
        Open billing
      </Button>
    </EmailLayout>
  );
}

export type AutoTopUpOffEmailProps = { failures: number; reason: string; available: number; billingUrl: string };

export function AutoTopUpOffEmail({ failures, reason, available, billingUrl }: AutoTopUpOffEmailProps) {
  return (
    <EmailLayout preview="Auto top-up is off">
      <Heading as="h1" style={heading}>
        Auto top-up is off
      </Heading>
      <Text style={textStyle}>
        Your payment method was declined {failures} times in a row ({reason}), so MailKit turned auto top-up off. You
        have <strong>{formatNumber(available)} credits</strong> left; at zero, sends are refused.
      </Text>
      <Text style={textStyle}>Update your payment method in the billing portal, then turn auto top-up on again.</Text>
      <Button href={billingUrl} style={buttonStyle}>
        Open billing
      </Button>
    </EmailLayout>
  );
}

export type CreditsExpiringEmailProps = { credits: number; expiresAt: Date; sendUrl: string };

export function CreditsExpiringEmail({ credits, expiresAt, sendUrl }: CreditsExpiringEmailProps) {
  return (
    <EmailLayout preview={`${formatNumber(credits)} credits expire on ${formatDate(expiresAt)}`}>
      <Heading as="h1" style={heading}>
        {formatNumber(credits)} credits expire on {formatDate(expiresAt)}
      </Heading>
      <Text style={textStyle}>
        {PRODUCT_COPY.expiry}. {formatNumber(credits)} of your credits are still unspent and expire on{" "}
        {formatDate(expiresAt)}; after that they are gone. Credits are spent oldest first, so the next emails you send
        use these.
      </Text>
      <Button href={sendUrl} style={buttonStyle}>
        Send an email
      </Button>
    </EmailLayout>
  );
}
