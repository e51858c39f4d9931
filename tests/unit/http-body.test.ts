import { describe, expect, it } from "vitest";

import { BodyTooLargeError, InvalidJsonError, parseJsonBounded, readBodyText, readJsonBody } from "@/lib/http/body";
import { fromWebRequest } from "@/lib/http/edge";

/** A chunked body (no Content-Length) of `chunks` × `chunkBytes`, counting how many chunks were pulled. */
function chunkedRequest(chunks: number, chunkBytes: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
    },
  });
  const request = new Request("http://localhost/x", { method: "POST", body, duplex: "half" } as RequestInit);
  return { request, pulled: () => pulled };
}

describe("readBodyText", () => {
  it("reads a body under the limit", async () => {
    const request = new Request("http://localhost/x", { method: "POST", body: "hello" });
    expect(await readBodyText(request, { limitBytes: 5 })).toBe("hello");
  });

  it("refuses a declared Content-Length over the limit without reading", async () => {
    const request = new Request("http://localhost/x", {
      method: "POST",
      body: "x".repeat(100),
      headers: { "content-length": "100" },
    });
    await expect(readBodyText(request, { limitBytes: 10 })).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it("stops reading a chunked body as soon as it passes the limit", async () => {
    const { request, pulled } = chunkedRequest(10_000, 64 * 1024); // 640 MB if read in full
    await expect(readBodyText(request, { limitBytes: 256 * 1024 })).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulled()).toBeLessThanOrEqual(8);
  });
});

describe("readJsonBody / parseJsonBounded", () => {
  it("parses JSON within the depth limit", async () => {
    const request = new Request("http://localhost/x", { method: "POST", body: '{"a":[{"b":"[[[[{{"}]}' });
    expect(await readJsonBody(fromWebRequest(request), { limitBytes: 1024, maxDepth: 3 })).toEqual({
      a: [{ b: "[[[[{{" }],
    });
  });

  it("refuses input nested deeper than the limit as a typed error", () => {
    const deep = "[".repeat(2000) + "]".repeat(2000);
    expect(() => parseJsonBounded(deep, 64)).toThrow(InvalidJsonError);
    expect(() => parseJsonBounded(deep, 64)).toThrow(expect.objectContaining({ reason: "depth" }));
    expect(() => parseJsonBounded("[".repeat(64) + "]".repeat(64), 64)).not.toThrow();
  });

  it("ignores brackets and escaped quotes inside strings", () => {
    expect(parseJsonBounded(String.raw`{"a":"\"[[[[[["}`, 1)).toEqual({ a: '"[[[[[[' });
  });

  it("refuses malformed JSON as a syntax error", () => {
    expect(() => parseJsonBounded("{nope")).toThrow(expect.objectContaining({ reason: "syntax" }));
  });
});
