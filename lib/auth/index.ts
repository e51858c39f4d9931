import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth from "next-auth";
import Resend from "next-auth/providers/resend";

import { db } from "@/lib/db";
import { sendSignInEmail } from "@/lib/emails/send";
import { getEnv } from "@/lib/env";

import { signInIdentifier } from "./identifier";

/**
 * Auth.js: email magic links (sent through the `resend` SDK, so they reach the emulator's inbox in local
 * mode) and database sessions in MailKit's own database.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const env = getEnv();
  return {
    adapter: PrismaAdapter(db),
    session: { strategy: "database", maxAge: 30 * 24 * 60 * 60 },
    secret: env.authSecret,
    trustHost: true,
    pages: { signIn: "/signin", verifyRequest: "/signin/check-email", error: "/signin" },
    providers: [
      Resend({
        from: env.EMAIL_FROM,
        apiKey: env.resend.apiKey,
        // The throttle's key and the link's address are one and the same (lib/auth/identifier.ts).
        normalizeIdentifier: signInIdentifier,
        // The built-in provider posts to api.resend.com directly; send through the SDK instead.
        // Defence in depth: whatever host the request claimed, the link points at APP_URL.
        sendVerificationRequest: ({ identifier, url }) => {
          const link = new URL(url);
          return sendSignInEmail(identifier, new URL(link.pathname + link.search, env.APP_URL).toString());
        },
      }),
    ],
    callbacks: {
      session({ session, user }) {
        session.user.id = user.id;
        return session;
      },
    },
  };
});
