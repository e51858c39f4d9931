import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Resend, type CreateEmailOptions } from "resend";
import { afterAll, afterEach, beforeAll } from "vitest";

import { LOCAL_DEFAULTS } from "../../lib/env";
import { startEmulators } from "../server";
import { sendJson } from "../shared/http";
import type { EmulatorContext } from "../shared/types";
import { createResendEmulator, type ResendEmulator, type ResendEmulatorOptions } from "./index";

/**
 * Test helpers for the Resend emulator: a webhook receiver standing in for the app, the emulators on a free port
 * (the real host, or the Resend emulator alone), an SDK client configured like the app, and `withResendEmulator()`
 * that wires all of it into a test file's vitest hooks.
 */

export type ReceivedWebhook = {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  payload: { type: string; created_at: string; data: Record<string, unknown> };
};

export type WebhookReceiver = {
  /** Use as appUrl: webhooks arrive at `${url}/api/webhooks/resend`. */
  url: string;
  received: ReceivedWebhook[];
  /** The status the receiver answers with (default 200). */
  status: number;
  /** Resolves with the received webhooks once `predicate` holds (polls; rejects after timeoutMs). */
  waitFor(predicate: (all: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const receiver = { status: 200 } as WebhookReceiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({
        path: req.url ?? "/",
        headers: req.headers,
        body,
        payload: JSON.parse(body || "{}") as ReceivedWebhook["payload"],
      });
      sendJson(res, receiver.status, { received: true });
    });
  });
  const url = await listen(server);
  return Object.assign(receiver, {
    url,
    received,
    async waitFor(predicate: (all: ReceivedWebhook[]) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(
            `Timed out waiting for webhooks; got ${received.map((r) => r.payload.type).join(", ") || "none"}`,
          );
        await new Promise((r) => setTimeout(r, 5));
      }
      return received;
    },
    close: () => stop(server),
  });
}

export type ResendHarness = { url: string; resend: ResendEmulator; close(): Promise<void> };

type StartOptions = { appUrl: string; stateDir?: string; resend?: ResendEmulatorOptions };

/** The real host (emulators/server.ts, Dodo and Resend) on a free port; what the contract tests use. */
export async function startAllEmulators(options: StartOptions): Promise<ResendHarness> {
  const server = await startEmulators({
    port: 0,
    appUrl: options.appUrl,
    stateDir: options.stateDir,
    resend: options.resend,
  });
  return { url: server.url, resend: server.resend, close: () => server.close() };
}

/**
 * The Resend emulator alone, routed like emulators/server.ts (global reset, 404 JSON): for when another
 * emulator in the host does not build.
 */
export async function startResendOnly(options: {
  appUrl: string;
  stateDir?: string;
  resend?: ResendEmulatorOptions;
}): Promise<ResendHarness> {
  const server = createServer();
  const url = (await listen(server)).replace("127.0.0.1", "localhost");
  const context: EmulatorContext = {
    stateDir: options.stateDir,
    publicUrl: url,
    appUrl: options.appUrl.replace(/\/$/, ""),
  };
  const resend = createResendEmulator(context, options.resend);
  server.on("request", (req, res) => {
    const requestUrl = new URL(req.url ?? "/", url);
    void (async () => {
      try {
        if (requestUrl.pathname === "/_emulator/reset" && req.method === "POST") {
          await resend.reset();
          return sendJson(res, 200, { ok: true });
        }
        if (!(await resend.handle(req, res, requestUrl)))
          sendJson(res, 404, {
            code: "NOT_FOUND",
            message: `No emulator route for ${req.method} ${requestUrl.pathname}`,
          });
      } catch (error) {
        if (!res.headersSent) sendJson(res, 500, { code: "INTERNAL_SERVER_ERROR", message: (error as Error).message });
        else res.end();
      }
    })();
  });
  return {
    url,
    resend,
    async close() {
      await resend.close();
      server.closeAllConnections();
      await stop(server);
    },
  };
}

export type ControlResponse = { data?: unknown; error?: string };

/** What `withResendEmulator()` returns; its fields are filled in by its beforeAll hook. */
export type ResendTestEmulator = {
  /** The emulators' base URL (pass it to `resendClient`). */
  url: string;
  resend: ResendEmulator;
  /** Stands in for the app; emptied (and back to answering 200) after each test. */
  receiver: WebhookReceiver;
  /** Calls the Resend emulator's control plane, `/_emulator/resend${path}`, with an optional JSON body. */
  control<T = ControlResponse>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }>;
};

/**
 * Registers the vitest hooks of a Resend emulator test file: a webhook receiver and the emulators (started once),
 * the emulator settled and reset after each test, both closed at the end.
 */
export function withResendEmulator(options?: ResendEmulatorOptions): ResendTestEmulator {
  let harness: ResendHarness | undefined;
  const emu = {
    async control(method: string, path: string, body?: unknown) {
      const res = await fetch(`${emu.url}/_emulator/resend${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json() };
    },
  } as ResendTestEmulator;

  beforeAll(async () => {
    emu.receiver = await startWebhookReceiver();
    harness = await startAllEmulators({ appUrl: emu.receiver.url, resend: options });
    emu.url = harness.url;
    emu.resend = harness.resend;
  });
  afterEach(async () => {
    await emu.resend.idle();
    await emu.resend.reset();
    emu.receiver.received.length = 0;
    emu.receiver.status = 200;
  });
  afterAll(async () => {
    await harness?.close();
    await emu.receiver?.close();
  });
  return emu;
}

/** Options for `emails.send`: a small HTML email from MailKit to ada@example.com, with `overrides` applied in order. */
export function emailOptions(...overrides: Partial<CreateEmailOptions>[]): CreateEmailOptions {
  return Object.assign(
    { from: "MailKit <noreply@mailkit.dev>", to: "ada@example.com", subject: "Hello", html: "<p>Hi <b>Ada</b></p>" },
    ...overrides,
  ) as CreateEmailOptions;
}

/** A `resend` SDK client for the emulator at `emulatorUrl`, configured the way the app is (RESEND_BASE_URL). */
export function resendClient(emulatorUrl: string, apiKey: string = LOCAL_DEFAULTS.resendApiKey): Resend {
  process.env.RESEND_BASE_URL = `${emulatorUrl}/resend`; // read by the SDK's constructor
  return new Resend(apiKey);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
