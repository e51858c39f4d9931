import { describe, expect, it } from "vitest";

import { json } from "@/lib/http/json";

describe("json answers", () => {
  it("a small answer asks not to be transformed, so Next's compression skips it", async () => {
    const response = json({ id: "abc" }, { status: 201, headers: { "x-extra": "1" } });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-extra")).toBe("1");
    expect(await response.json()).toEqual({ id: "abc" });
  });

  it("an answer of 1 KB or more is left to compression, and a route's own cache-control wins", () => {
    expect(json({ data: "x".repeat(2000) }).headers.get("cache-control")).toBeNull();
    expect(json({ a: 1 }, { headers: { "cache-control": "public, max-age=300" } }).headers.get("cache-control")).toBe(
      "public, max-age=300",
    );
  });
});
