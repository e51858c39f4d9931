import { Resend } from "resend";

import { getEnv } from "@/lib/env";
import { processLazy } from "@/lib/runtime/singleton";

/** The Resend SDK client: the emulator in local mode, api.resend.com with a key. */
const client = processLazy("resend-client", () => {
  const { resend } = getEnv();
  return new Resend(resend.apiKey, resend.baseURL ? { baseUrl: resend.baseURL } : undefined);
});

export const getResend = (): Resend => client.get();
export const resetResendForTests = (): void => client.reset();
