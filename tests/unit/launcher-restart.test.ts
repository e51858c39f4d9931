import { createServer, type Server } from "node:http";
import { describe, expect, it } from "vitest";

import { planEmulators } from "@/scripts/lib/emulators";

/** Emulators that answer their health check only after `delayMs` (restoring state after a restart). */
async function slowEmulators(delayMs: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    setTimeout(() => {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ok: true, service: "mailkit-emulators", appUrl: "http://localhost:3402" }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe("the launcher after a kill -9", () => {
  it("waits for emulators that are slow to answer (1.5 s) and reuses them instead of calling the port busy", async () => {
    const { server, port } = await slowEmulators(1_500);
    try {
      expect(await planEmulators(`http://localhost:${port}`)).toEqual({
        action: "reuse",
        appUrl: "http://localhost:3402",
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("keeps asking a silent holder until its patience runs out, then calls the port busy", async () => {
    const { server, port } = await slowEmulators(60_000);
    const started = Date.now();
    try {
      expect(await planEmulators(`http://localhost:${port}`, { attemptTimeoutMs: 200, patienceMs: 1_000 })).toEqual({
        action: "busy",
        port,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
