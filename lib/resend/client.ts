import { Resend } from "resend";

import { getEnv } from "@/lib/env";

const globalForResend = globalThis as unknown as { __mailkitResend?: Resend };

/** The Resend SDK client: the emulator in local mode, api.resend.com with a key. */
export function getResend(): Resend {
  if (!globalForResend.__mailkitResend) {
    const { resend } = getEnv();
    globalForResend.__mailkitResend = new Resend(
      resend.apiKey,
      resend.baseURL ? { baseUrl: resend.baseURL } : undefined,
    );
  }
  return globalForResend.__mailkitResend;
}

export function resetResendForTests(): void {
  globalForResend.__mailkitResend = undefined;
}
