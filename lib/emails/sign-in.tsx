import { Button, Heading, Link, Text } from "@react-email/components";

import { EmailLayout, buttonStyle, textStyle } from "./layout";

export function SignInEmail({ url, host }: { url: string; host: string }) {
  return (
    <EmailLayout preview={`Your sign-in link for ${host}`}>
      <Heading as="h1" style={{ fontSize: 22, color: "#111827", margin: "0 0 12px" }}>
        Sign in to MailKit
      </Heading>
      <Text style={textStyle}>Click the button below to sign in. The link works once and expires in 24 hours.</Text>
      <Button href={url} style={buttonStyle}>
        Sign in to MailKit
      </Button>
      <Text style={{ ...textStyle, fontSize: 13, color: "#6b7280" }}>
        Or paste this link into your browser:{" "}
        <Link href={url} style={{ wordBreak: "break-all" }}>
          {url}
        </Link>
      </Text>
      <Text style={{ ...textStyle, fontSize: 13, color: "#6b7280" }}>
        If you did not ask to sign in, you can ignore this email.
      </Text>
    </EmailLayout>
  );
}
