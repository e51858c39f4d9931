import { createServer } from "node:net";
import { describe, expect, it, vi } from "vitest";

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

  describe("refuses with a one-line message", () => {
    /** The message portFromArgs prints before exiting 1 (process.exit is stubbed to throw instead). */
    function refusal(argv: string[], env: Record<string, string | undefined> = {}): string {
      const error = vi.spyOn(console, "error").mockImplementation(() => {});
      vi.spyOn(process, "exit").mockImplementation((code) => {
        throw new Error(`exit ${code}`);
      });
      try {
        expect(() => portFromArgs(argv, env)).toThrow("exit 1");
        expect(error).toHaveBeenCalledTimes(1);
        return String(error.mock.calls[0]![0]);
      } finally {
        vi.restoreAllMocks();
      }
    }

    it("-p or --port without a value, rather than falling back to PORT or 3000", () => {
      expect(refusal(["-p"], { PORT: "3205" })).toBe("✖ -p needs a port number (e.g. npm run dev -- -p 3201).");
      expect(refusal(["--port"])).toBe("✖ --port needs a port number (e.g. npm run dev -- --port 3201).");
    });

    it("a port that is not a number from 1 to 65535", () => {
      expect(refusal(["-p", "abc"])).toMatch(/^✖ Invalid port "abc"/);
      expect(refusal(["--port=70000"])).toMatch(/^✖ Invalid port "70000"/);
    });
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
