import { createServer } from "node:net";
import { describe, expect, it } from "vitest";

import { isPortBusy, portFromArgs } from "@/scripts/lib/ports";

describe("portFromArgs", () => {
  it("reads -p and --port the way next dev does, before PORT", () => {
    expect(portFromArgs(["-p", "3201"], {})).toBe(3201);
    expect(portFromArgs(["-p3202"], {})).toBe(3202);
    expect(portFromArgs(["--port", "3203"], { PORT: "4000" })).toBe(3203);
    expect(portFromArgs(["--port=3204"], {})).toBe(3204);
  });

  it("falls back to PORT, then 3000", () => {
    expect(portFromArgs([], { PORT: "3205" })).toBe(3205);
    expect(portFromArgs([], {})).toBe(3000);
  });
});

describe("isPortBusy", () => {
  it("tells a taken port from a free one", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    expect(await isPortBusy(port, "127.0.0.1")).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await isPortBusy(port, "127.0.0.1")).toBe(false);
  });
});
