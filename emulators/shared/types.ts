import type { IncomingMessage, ServerResponse } from "node:http";

/** What every emulator gets from the server that hosts it. */
export type EmulatorContext = {
  /** Folder for persisted state; undefined keeps state in memory only (tests, benchmarks). */
  stateDir: string | undefined;
  /** Where this server is reachable, e.g. http://localhost:4010 (used in checkout/portal/inbox links). */
  publicUrl: string;
  /** The app that receives webhooks, e.g. http://localhost:3000. */
  appUrl: string;
};

/** One emulator mounted in the shared server (Dodo, Resend). */
export type EmulatorModule = {
  /** Handles the request if the path is this emulator's; returns false to let the next module try. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Forgets all state (tests). */
  reset(): Promise<void>;
  /** Flushes state and stops timers. */
  close(): Promise<void>;
};
