import { request as httpRequest, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createLogger, logger, scrubText, setLoggerForTests } from "@/lib/runtime/log";
import { instrumentHttpServers } from "@/lib/runtime/http";

/**
 * Secrets never reach a log line: a request carrying an API key (Authorization), a session cookie and a webhook
 * secret in its body, handled by code that logs the headers, the body and an error quoting all three.
 */
const API_KEY = "mk_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6";
const WEBHOOK_SECRET = "whsec_" + Buffer.from("a-customer-endpoint-signing-secret").toString("base64");
const SESSION_TOKEN = "6f1c2d9e-8a7b-4c3d-9e2f-1a2b3c4d5e6f";

const lines: string[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  setLoggerForTests(createLogger({ level: "debug", destination: sink }));
  instrumentHttpServers();
  // Like a route handler: reads the body with await (the request's context follows the awaits).
  server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += (chunk as Buffer).toString();
    {
      const log = logger("test-route");
      log.info({ headers: req.headers, body: JSON.parse(body) as unknown }, "received");
      log.error(new Error(`Dodo refused: key ${API_KEY}, secret ${WEBHOOK_SECRET}, cookie ${req.headers.cookie}`));
      log.warn(`retrying with Authorization: Bearer ${API_KEY}`);
      res.writeHead(200).end("ok");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  setLoggerForTests(undefined);
  await new Promise((resolve) => server.close(resolve));
});

function post(path: string, headers: Record<string, string>, body: unknown) {
  return new Promise<{ status: number; requestId: string | undefined }>((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, requestId: res.headers["x-request-id"] as string }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("logs", () => {
  it("never contain an API key, a webhook secret or a session token; every line names its request", async () => {
    const answer = await post(
      "/api/webhooks?token=" + API_KEY,
      {
        authorization: `Bearer ${API_KEY}`,
        cookie: `authjs.session-token=${SESSION_TOKEN}; theme=dark`,
        "x-request-id": "req-from-the-load-balancer-42",
      },
      { url: "https://example.com/hook", signing_secret: WEBHOOK_SECRET, note: `secret is ${WEBHOOK_SECRET}` },
    );
    expect(answer).toEqual({ status: 200, requestId: "req-from-the-load-balancer-42" });

    const text = lines.join("\n");
    expect(lines.length).toBeGreaterThanOrEqual(4); // received, the error, the warning, the access line
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(API_KEY.slice(3));
    expect(text).not.toContain(WEBHOOK_SECRET.slice(6));
    expect(text).not.toContain(SESSION_TOKEN);
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({ requestId: "req-from-the-load-balancer-42" });
    }
    const access = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.component === "http");
    expect(access).toMatchObject({ method: "POST", path: "/api/webhooks", status: 200 });
  });

  it("gives a request without a usable x-request-id a fresh one", async () => {
    const first = await post("/x", { "x-request-id": "not a valid id; drop table" }, {});
    const second = await post("/x", {}, {});
    expect(first.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.requestId).not.toBe(second.requestId);
  });

  it("scrubs secrets out of free text, database URLs included", () => {
    expect(scrubText(`connect postgresql://mailkit:hunter2@db:5432/mailkit failed`)).toBe(
      "connect postgresql://mailkit:[redacted]@db:5432/mailkit failed",
    );
    expect(scrubText(`re_live_${"x".repeat(20)} and Basic dXNlcjpwYXNz`)).not.toMatch(/x{20}|dXNlcjpwYXNz/);
  });
});
