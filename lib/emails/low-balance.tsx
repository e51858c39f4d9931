import { Button, Heading, Text } from "@react-email/components";

import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";

import { EmailLayout, buttonStyle, textStyle } from "./layout";

export type LowBalanceEmailProps = {
  available: number;
  threshold: number;
  allowance: number;
  topUpUrl: string;
};

const n = (value: number) => value.toLocaleString("en-US");

export function LowBalanceEmail({ available, threshold, allowance, topUpUrl }: LowBalanceEmailProps) {
  return (
    <EmailLayout preview={`Only ${n(available)} email credits left`}>
      <Heading as="h1" style={{ fontSize: 22, color: "#111827", margin: "0 0 12px" }}>
        You are running low on email credits
      </Heading>
      <Text style={textStyle}>
        Your MailKit balance is down to <strong>{n(available)} credits</strong>, below {n(threshold)} (
        {PRODUCT_COPY.lowBalance} of your plan&apos;s {n(allowance)} per cycle). When it reaches zero, MailKit refuses
        new sends until you add credits.
      </Text>
      <Text style={textStyle}>
        A {PRODUCT.topUp.name} adds {PRODUCT_COPY.topUpCredits} credits for {PRODUCT_COPY.topUpPrice} and stacks on your
        plan. {PRODUCT_COPY.expiry}.
      </Text>
      <Button href={topUpUrl} style={buttonStyle}>
        Buy a top-up pack
      </Button>
    </EmailLayout>
  );
}
