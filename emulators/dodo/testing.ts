import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import DodoPayments from "dodopayments";

import { ensureCatalog } from "../../lib/dodo/catalog";
import { LOCAL_DEFAULTS } from "../../lib/env";
import { startEmulators, type EmulatorServer } from "../server";
import type { DodoEmulator, DodoEmulatorOptions } from "./index";

/**
 * Test helpers for the Dodo emulator: a webhook receiver standing in for the app, the whole emulator server
 * started in-process, the real SDK pointed at it, and MailKit's catalog (lib/catalog/product.ts).
 */

export type ReceivedWebhook = {
  headers: Record<string, string>;
  body: string;
  event: {
    business_id: string;
    type: string;
    timestamp: string;
    data: Record<string, unknown> & { payload_type: string };
  };
};

export type Receiver = {
  /** Use as appUrl: webhooks arrive at `${url}/api/webhooks/dodo`. */
  url: string;
  received: ReceivedWebhook[];
  /** Answers each webhook with this status (default 200); may also wait (to exercise timeouts). */
  respond: (hook: ReceivedWebhook, attempt: number) => number | Promise<number>;
  ofType(type: string): ReceivedWebhook[];
  waitFor(predicate: (all: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const attempts = new Map<string, number>();
  const sockets = new Set<import("node:net").Socket>();
  const receiver: Receiver = {
    url: "",
    received,
    respond: () => 200,
    ofType: (type) => received.filter((r) => r.event.type === type),
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(
            `Timed out waiting for webhooks; got ${received.map((r) => r.event.type).join(", ") || "none"}`,
          );
        await new Promise((r) => setTimeout(r, 5));
      }
      return received;
    },
    close: () => stop(server, sockets),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const hook: ReceivedWebhook = {
          headers: flatHeaders(req.headers),
          body,
          event: JSON.parse(body) as ReceivedWebhook["event"],
        };
        const id = hook.headers["webhook-id"] ?? "";
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        const status = await receiver.respond(hook, attempt);
        if (status >= 200 && status < 300) received.push(hook);
        if (!res.destroyed) res.writeHead(status, { "content-type": "text/plain" }).end(String(status));
      })();
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  receiver.url = await listen(server);
  return receiver;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server, sockets: Set<import("node:net").Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export type Catalog = { entitlementId: string; planId: string; topUpId: string };

export type Testbed = {
  server: EmulatorServer;
  dodo: DodoEmulator;
  /** The real SDK against the emulator (no retries unless a test asks), with the webhook key. */
  client: DodoPayments;
  receiver: Receiver;
  /** A fresh SDK client with other options (e.g. retries, timeout, a wrong key). */
  sdk(options?: ConstructorParameters<typeof DodoPayments>[0]): DodoPayments;
  catalog(): Promise<Catalog>;
  /** Checkout + payment with the success card: a subscriber to the plan (5,000 credits). */
  subscribe(
    catalog: Catalog,
    email?: string,
    metadata?: Record<string, string>,
  ): Promise<{ customerId: string; subscriptionId: string; sessionId: string }>;
  close(): Promise<void>;
};

export async function startTestbed(
  options: { stateDir?: string; dodo?: DodoEmulatorOptions; receiver?: Receiver } = {},
): Promise<Testbed> {
  const receiver = options.receiver ?? (await startReceiver());
  const server = await startEmulators({
    port: 0,
    appUrl: receiver.url,
    stateDir: options.stateDir,
    dodo: { webhookRetryDelaysMs: [0, 5, 10], webhookTimeoutMs: 2000, expirySweepMs: 0, ...options.dodo },
  });
  const sdk = (o: ConstructorParameters<typeof DodoPayments>[0] = {}) =>
    new DodoPayments({
      bearerToken: LOCAL_DEFAULTS.dodoApiKey,
      baseURL: `${server.url}/dodo`,
      webhookKey: LOCAL_DEFAULTS.dodoWebhookKey,
      maxRetries: 0,
      ...o,
    });
  const client = sdk();
  return {
    server,
    dodo: server.dodo,
    client,
    receiver,
    sdk,
    async catalog() {
      // MailKit's own catalog, created exactly as `npm run dodo:setup` does it.
      const created = await ensureCatalog(client);
      return { entitlementId: created.entitlementId, planId: created.planProductId, topUpId: created.topUpProductId };
    },
    async subscribe(catalog, email = "ada@example.com", metadata = { user_id: "user_1" }) {
      const session = await client.checkoutSessions.create({
        product_cart: [{ product_id: catalog.planId, quantity: 1 }],
        customer: { email, name: "Ada Lovelace" },
        return_url: "http://localhost:3000/billing/return",
        metadata,
      });
      const outcome = server.dodo.completeCheckout(session.session_id);
      return {
        customerId: outcome.customer_id,
        subscriptionId: outcome.subscription_id!,
        sessionId: session.session_id,
      };
    },
    async close() {
      await server.close();
      if (!options.receiver) await receiver.close();
    },
  };
}
