import { Button, Heading, Text } from "@react-email/components";

import { EmailLayout, buttonStyle, textStyle } from "./layout";

export type WebhookDisabledEmailProps = { url: string; reason: string; manageUrl: string };

export function WebhookDisabledEmail({ url, reason, manageUrl }: WebhookDisabledEmailProps) {
  return (
    <EmailLayout preview="A webhook endpoint was disabled">
      <Heading as="h1" style={{ fontSize: 22, color: "#111827", margin: "0 0 12px" }}>
        Your webhook endpoint was disabled
      </Heading>
      <Text style={textStyle}>
        MailKit stopped sending events to <strong>{url}</strong>. {reason}
      </Text>
      <Text style={textStyle}>
        Fix the endpoint, enable it again and replay the events you missed from its delivery log.
      </Text>
      <Button href={manageUrl} style={buttonStyle}>
        Open webhooks
      </Button>
    </EmailLayout>
  );
}
