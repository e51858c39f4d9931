import type { Metadata } from "next";
import type { ReactNode } from "react";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "MailKit — prepaid transactional email", template: "%s · MailKit" },
  description: "Send transactional email through a simple API. Pay for what you send with prepaid credits.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-gray-50 font-sans text-gray-900">{children}</body>
    </html>
  );
}
