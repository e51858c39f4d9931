import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";

import { checkPublicUrl } from "@/lib/net/public-url";

import { resolvePublicAddresses } from "./address";
import type { WebhookConfig } from "./config";
import { signedHeaders } from "./signing";

/**
 * One attempt at delivering an event: the URL re-checked, the connection pinned to the addresses just vetted
 * (no DNS rebinding), redirects never followed, the whole exchange within a timeout.
 */

export type AttemptResult =
  | { ok: true; status: number; excerpt: string }
  | { ok: false; status: number | null; excerpt: string | null; error: string };

/** One signed POST. Never throws: refusals (SSRF), network errors and timeouts are failed attempts. */
export async function postSigned(
  url: string,
  secret: string,
  eventId: string,
  body: string,
  config: Pick<WebhookConfig, "allowLoopback" | "resolve">,
  timeoutMs: number,
): Promise<AttemptResult> {
  try {
    const target = checkPublicUrl(url, config);
    const addresses = await resolvePublicAddresses(target.hostname, config);
    const headers = {
      ...signedHeaders(secret, eventId, body),
      "content-type": "application/json",
      "user-agent": "MailKit-Webhooks/1.0",
    };
    const { status, excerpt } = await post(target, headers, body, addresses, timeoutMs);
    if (status >= 200 && status < 300) return { ok: true, status, excerpt };
    const error = status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
    return { ok: false, status, excerpt, error };
  } catch (error) {
    return { ok: false, status: null, excerpt: null, error: (error as Error).message.slice(0, 500) };
  }
}

const EXCERPT_BYTES = 1024;

/** POST over node:http(s) with the connection pinned to `addresses` (the vetted DNS answers): no second lookup. */
function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  addresses: { address: string; family: number }[],
  timeoutMs: number,
): Promise<{ status: number; excerpt: string }> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      fn();
    };
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish(() => {
            response.destroy();
            resolve({
              status: response.statusCode ?? 0,
              excerpt: Buffer.concat(chunks).toString("utf8").slice(0, 500),
            });
          });
        response.on("data", (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk.subarray(0, EXCERPT_BYTES - size));
          size += chunk.length;
          if (size >= EXCERPT_BYTES) done();
        });
        response.on("end", done);
        response.on("error", done);
        response.on("close", done);
      },
    );
    const deadline = setTimeout(() => {
      finish(() => reject(new Error(`No response within ${timeoutMs} ms`)));
      request.destroy();
    }, timeoutMs);
    request.on("error", (error) => finish(() => reject(error)));
    request.end(body);
  });
}
