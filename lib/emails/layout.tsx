import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

/** The frame every MailKit email shares. */
export function EmailLayout({ preview, children }: { preview: string; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body
        style={{ backgroundColor: "#f4f5f7", fontFamily: "Helvetica, Arial, sans-serif", margin: 0, padding: "32px 0" }}
      >
        <Container style={{ backgroundColor: "#ffffff", borderRadius: 12, padding: "32px 40px", maxWidth: 520 }}>
          <Text style={{ fontSize: 18, fontWeight: 700, color: "#1d34d8", margin: "0 0 24px" }}>MailKit</Text>
          {children}
          <Hr style={{ borderColor: "#e5e7eb", margin: "32px 0 16px" }} />
          <Section>
            <Text style={{ color: "#9ca3af", fontSize: 12, margin: 0 }}>
              MailKit · prepaid transactional email. You receive this because of your MailKit account.
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

export const buttonStyle = {
  backgroundColor: "#2545eb",
  borderRadius: 8,
  color: "#ffffff",
  fontSize: 15,
  fontWeight: 600,
  padding: "12px 20px",
  textDecoration: "none",
  display: "inline-block",
} as const;

export const textStyle = { color: "#374151", fontSize: 15, lineHeight: "24px" } as const;
