import { isPortBusy } from "./ports";

export type EmulatorPlan =
  | { action: "reuse"; appUrl: string } // MailKit's emulators already answer there; appUrl gets their webhooks
  | { action: "start"; port: number } // the port is free: start them on it
  | { action: "busy"; port: number }; // something else holds the port

export type PlanOptions = {
  /** How long one health check may take (emulators restoring their state after a restart answer slowly). */
  attemptTimeoutMs?: number;
  /** How long to keep asking a port that is held but silent before calling it busy. */
  patienceMs?: number;
};

/**
 * What the launcher does about the emulators at EMULATOR_URL `url`: reuse them, start them, or stop. A port whose
 * holder does not answer in time is asked again until `patienceMs` has passed: after a kill -9 the emulators left
 * running (or starting) may be slow to answer, and that is not "something else".
 */
export async function planEmulators(
  url: string,
  { attemptTimeoutMs = 3_000, patienceMs = 20_000 }: PlanOptions = {},
): Promise<EmulatorPlan> {
  const port = Number(new URL(url).port || 4010);
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const answer = await healthOf(url, attemptTimeoutMs);
    if (answer.kind === "emulators") return { action: "reuse", appUrl: answer.appUrl };
    // The emulators listen on 127.0.0.1, so that is where a clash would be.
    if (!(await isPortBusy(port, "127.0.0.1"))) return { action: "start", port };
    if (answer.kind === "other" || Date.now() >= deadline) return { action: "busy", port };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

type Health = { kind: "emulators"; appUrl: string } | { kind: "other" } | { kind: "silent" };

/** MailKit's emulators answering at `url` (their health check names them), something else, or no answer in time. */
async function healthOf(url: string, timeoutMs: number): Promise<Health> {
  try {
    const response = await fetch(`${url.replace(/\/$/, "")}/_emulator/health`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as { service?: string; appUrl?: string };
    return response.ok && body.service === "mailkit-emulators"
      ? { kind: "emulators", appUrl: body.appUrl ?? "" }
      : { kind: "other" };
  } catch (error) {
    // Timed out: the holder is alive but busy (maybe MailKit's emulators restoring state); ask again.
    // Refused or reset: nothing that speaks HTTP there (or nothing at all: the port check decides).
    return (error as Error).name === "TimeoutError" ? { kind: "silent" } : { kind: "other" };
  }
}
