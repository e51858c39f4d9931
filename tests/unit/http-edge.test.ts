import http from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";

import { BodyTooLargeError } from "@/lib/http/body";
import { SOCKET_ADDRESS_HEADER } from "@/lib/http/client-address";
import { fromNodeRequest, fromWebRequest, jsonAnswer } from "@/lib/http/edge";

function nodeRequest(headers: http.IncomingHttpHeaders, chunks: string[]) {
  const incoming = new http.IncomingMessage(new Socket());
  incoming.method = "POST";
  incoming.url = "/api/emails?x=1";
  incoming.headers = headers;
  for (const chunk of chunks) incoming.push(Buffer.from(chunk));
  incoming.push(null);
  const outgoing = new http.ServerResponse(incoming);
  return { edge: fromNodeRequest(incoming, outgoing), outgoing };
}

describe("a request read the same from Node's server as from a web Request", () => {
  it("headers by any case, repeated ones joined; MailKit's socket header is the socket's, never the client's", () => {
    const { edge } = nodeRequest({ "x-a": "1", "x-list": ["a", "b"], [SOCKET_ADDRESS_HEADER]: "6.6.6.6" }, []);
    const web = fromWebRequest(
      new Request("http://localhost/api/emails?x=1", {
        method: "POST",
        headers: [
          ["X-A", "1"],
          ["x-list", "a"],
          ["x-list", "b"],
        ],
      }),
    );
    for (const request of [edge, web]) {
      expect(request.headers.get("X-A")).toBe("1");
      expect(request.headers.get("x-list")).toBe("a, b");
      expect(request.headers.get("x-missing")).toBeNull();
      expect(request.url).toBe("/api/emails?x=1");
      expect(request.method).toBe("POST");
    }
    expect(edge.headers.get(SOCKET_ADDRESS_HEADER)).not.toBe("6.6.6.6");
  });

  it("the body whole when within the limit", async () => {
    const { edge } = nodeRequest({}, ["hel", "lo"]);
    expect(Buffer.from(await edge.readBody(5)).toString()).toBe("hello");
  });

  it("a body over the limit is refused as it streams, and the connection closes after the answer", async () => {
    const { edge, outgoing } = nodeRequest({}, ["hello", " world"]);
    await expect(edge.readBody(8)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(outgoing.getHeader("connection")).toBe("close");
  });

  it("a declared length over the limit is refused before reading", async () => {
    const { edge } = nodeRequest({ "content-length": "100" }, ["x"]);
    await expect(edge.readBody(10)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});

describe("JSON answers", () => {
  it("a small one asks not to be transformed; a large one is left to compression", () => {
    const small = jsonAnswer({ id: "é" }, { status: 201, headers: { "x-extra": "1" } });
    expect(small).toEqual({
      status: 201,
      headers: { "cache-control": "no-store, no-transform", "x-extra": "1", "content-type": "application/json" },
      body: '{"id":"é"}',
    });
    expect(jsonAnswer({ data: "x".repeat(2000) }).headers["cache-control"]).toBeUndefined();
  });
});
