import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";

import { Providers } from "@/components/shell/providers";
import { SkipLink } from "@/components/shell/skip-link";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "MailKit — prepaid transactional email", template: "%s · MailKit" },
  description: "Send transactional email through a simple API. Pay for what you send with prepaid credits.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f9fafb" },
    { media: "(prefers-color-scheme: dark)", color: "#030712" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // proxy.ts puts this request's CSP (with its nonce) on the request: next-themes' inline script needs the nonce.
  const csp = (await headers()).get("content-security-policy") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  return (
    // next-themes sets the class on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen bg-gray-50 font-sans text-gray-900">
        <Providers nonce={nonce}>
          <SkipLink />
          {children}
        </Providers>
      </body>
    </html>
  );
}
