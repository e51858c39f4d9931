import { isPortBusy } from "./ports";

export type EmulatorPlan =
  | { action: "reuse"; appUrl: string } // MailKit's emulators already answer there; appUrl gets their webhooks
  | { action: "start"; port: number } // the port is free: start them on it
  | { action: "busy"; port: number }; // something else holds the port

/** What the launcher does about the emulators at EMULATOR_URL `url`: reuse them, start them, or stop. */
export async function planEmulators(url: string): Promise<EmulatorPlan> {
  const running = await runningEmulators(url);
  if (running) return { action: "reuse", appUrl: running.appUrl };
  const port = Number(new URL(url).port || 4010);
  // The emulators listen on 127.0.0.1, so that is where a clash would be.
  return (await isPortBusy(port, "127.0.0.1")) ? { action: "busy", port } : { action: "start", port };
}

/** MailKit's emulators answering at `url` (their health check names them), or null. */
async function runningEmulators(url: string): Promise<{ appUrl: string } | null> {
  try {
    const response = await fetch(`${url.replace(/\/$/, "")}/_emulator/health`, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { service?: string; appUrl?: string };
    return response.ok && body.service === "mailkit-emulators" ? { appUrl: body.appUrl ?? "" } : null;
  } catch {
    return null;
  }
}
