import http from "node:http";

/**
 * The load generator's HTTP client: node:http over keep-alive connections. The benchmark shares the machine with
 * MailKit, and `fetch` (undici, a web Request/Response per call) cost the load generator about 1 ms of CPU per
 * request, as much as the server spent answering it; a customer's code runs on its own machines.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export type PostAnswer = { status: number; text: string };

export function postJson(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { ...headers, "content-type": "application/json", "content-length": payload.byteLength },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
    request.end(payload);
  });
}
