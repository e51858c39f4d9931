import { createServer } from "node:net";

/** The port from `-p 3201`, `-p3201`, `--port 3201` or `--port=3201` (as `next dev` takes them), else PORT, else 3000. */
export function portFromArgs(argv: string[], env: Record<string, string | undefined> = process.env): number {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-p" || arg === "--port") {
      value = argv[++i];
      // A bare `-p` is an error: falling back to PORT/3000 would bring the app up on a port nobody asked for.
      if (value === undefined) {
        console.error(`✖ ${arg} needs a port number (e.g. npm run dev -- ${arg} 3201).`);
        process.exit(1);
      }
    } else if (arg.startsWith("--port=")) value = arg.slice("--port=".length);
    else if (/^-p\d+$/.test(arg)) value = arg.slice(2);
  }
  value ??= env.PORT || "3000";
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    console.error(`✖ Invalid port "${value}": use a number from 1 to 65535 (e.g. npm run dev -- -p 3201).`);
    process.exit(1);
  }
  return port;
}

/** Whether something already listens on the port (checked by binding it for a moment, as the server will). */
export function isPortBusy(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      resolve(error.code === "EADDRINUSE" || error.code === "EACCES"),
    );
    probe.once("listening", () => probe.close(() => resolve(false)));
    probe.listen(port, host);
  });
}
