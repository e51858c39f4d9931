import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createDodoEmulator, type DodoEmulator, type DodoEmulatorOptions } from "./dodo";
import { createResendEmulator, type ResendEmulator, type ResendEmulatorOptions } from "./resend";
import { sendJson } from "./shared/http";
import type { EmulatorContext } from "./shared/types";

export type EmulatorServerOptions = {
  port?: number; // 0 = any free port
  host?: string;
  stateDir?: string; // undefined = in memory
  appUrl?: string;
  dodo?: DodoEmulatorOptions;
  resend?: ResendEmulatorOptions;
};

export type EmulatorServer = {
  url: string;
  dodo: DodoEmulator;
  resend: ResendEmulator;
  server: Server;
  close(): Promise<void>;
};

/** Starts the Dodo Payments and Resend emulators on one HTTP server. */
export async function startEmulators(options: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const server = createServer();
  const host = options.host ?? "127.0.0.1";
  // A listen error (EADDRINUSE…) rejects, for the caller to explain, instead of crashing the process with a stack.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4010, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // "localhost" rather than 127.0.0.1: Next.js and browsers then agree on the host (cookies, redirects).
  const url = `http://localhost:${port}`;
  const context: EmulatorContext = {
    stateDir: options.stateDir,
    publicUrl: url,
    appUrl: (options.appUrl ?? "http://localhost:3000").replace(/\/$/, ""),
  };
  const dodo = createDodoEmulator(context, options.dodo);
  const resend = createResendEmulator(context, options.resend);
  const modules = [dodo, resend];

  server.on("request", (req, res) => {
    const requestUrl = new URL(req.url ?? "/", url);
    void (async () => {
      try {
        // The launcher recognises a running MailKit emulator by this answer and reuses it.
        if (requestUrl.pathname === "/_emulator/health")
          return sendJson(res, 200, { ok: true, service: "mailkit-emulators", appUrl: context.appUrl });
        if (requestUrl.pathname === "/_emulator/reset" && req.method === "POST") {
          await Promise.all(modules.map((m) => m.reset()));
          return sendJson(res, 200, { ok: true });
        }
        for (const emulator of modules) if (await emulator.handle(req, res, requestUrl)) return;
        sendJson(res, 404, { code: "NOT_FOUND", message: `No emulator route for ${req.method} ${requestUrl.pathname}` });
      } catch (error) {
        console.error("[emulators]", error);
        if (!res.headersSent) sendJson(res, 500, { code: "INTERNAL_SERVER_ERROR", message: (error as Error).message });
        else res.end();
      }
    })();
  });

  return {
    url,
    dodo,
    resend,
    server,
    async close() {
      await Promise.all(modules.map((m) => m.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
