import { Button, Heading, Text } from "@react-email/components";

import { PRODUCT_COPY } from "@/lib/catalog/product";
import { formatNumber } from "@/lib/format";

import { EmailLayout, buttonStyle, textStyle } from "./layout";

export type LowBalanceEmailProps = {
  available: number;
  threshold: number;
  allowance: number;
  topUpUrl: string;
};

export function LowBalanceEmail({ available, threshold, allowance, topUpUrl }: LowBalanceEmailProps) {
  return (
    <EmailLayout preview={`Only ${formatNumber(available)} email credits left`}>
      <Heading as="h1" style={{ fontSize: 22, color: "#111827", margin: "0 0 12px" }}>
        You are running low on email credits
      </Heading>
      <Text style={textStyle}>
        Your MailKit balance is down to <strong>{formatNumber(available)} credits</strong>, below{" "}
        {formatNumber(threshold)} ({PRODUCT_COPY.lowBalance} of your plan&apos;s {formatNumber(allowance)} per cycle).
        When it reaches zero, MailKit refuses new sends until you add credits.
      </Text>
      <Text style={textStyle}>
        {PRODUCT_COPY.aTopUp.replace(/^a/, "A")} adds {PRODUCT_COPY.topUpCredits} credits for {PRODUCT_COPY.topUpPrice}{" "}
        and stacks on your plan. {PRODUCT_COPY.expiry}.
      </Text>
      <Button href={topUpUrl} style={buttonStyle}>
        Buy a top-up pack
      </Button>
    </EmailLayout>
  );
}
