/**
 * A JSON answer. Next's built-in compression gzips every answer whose length it does not know, and it drops the
 * Content-Length of route handlers' answers: so every small API answer and webhook acknowledgement went through
 * gzip (7-11 % of the server's CPU under load) to save nothing on a few hundred bytes. Bodies under 1 KB (the
 * compression threshold) say `no-transform`, which it honours; larger ones are still compressed.
 */
const COMPRESSION_THRESHOLD_BYTES = 1024;

export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const text = JSON.stringify(body);
  const small = Buffer.byteLength(text) < COMPRESSION_THRESHOLD_BYTES;
  return new Response(text, {
    status: init.status ?? 200,
    headers: {
      ...(small ? { "cache-control": "no-store, no-transform" } : {}),
      ...init.headers,
      "content-type": "application/json",
    },
  });
}
