import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * Child processes of the benchmark (the emulators, `next start`): output to a log file (printed on failure),
 * each in its own process group so that stopping it also stops whatever it spawned, and nothing else.
 */
export type Child = {
  name: string;
  process: ChildProcess;
  logFile: string;
  /** Set when the process ended before we stopped it. */
  exited: () => string | null;
  stop(): Promise<void>;
};

export function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  options: { ipc?: boolean } = {},
): Child {
  const fd = openSync(logFile, "a");
  const stdio = options.ipc ? ["ignore", fd, fd, "ipc"] : ["ignore", fd, fd];
  const child = spawn(command, args, { env, stdio: stdio as ["ignore", number, number], detached: true });
  closeSync(fd);
  let exit: string | null = null;
  let stopping = false;
  const ended = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = `exit ${signal ?? code}`;
      if (!stopping) console.error(`\n✘ ${name} ended unexpectedly (${exit}); its log: ${logFile}`);
      resolve();
    });
    child.once("error", (error) => {
      exit = `spawn error: ${error.message}`;
      resolve();
    });
  });
  return {
    name,
    process: child,
    logFile,
    exited: () => exit,
    async stop() {
      stopping = true;
      if (exit !== null || child.pid === undefined) return;
      signalGroup(child.pid, "SIGTERM");
      // Give it 5 s to shut down cleanly (PGlite flushes on close), then force it.
      const timer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), 5_000);
      await Promise.race([ended, sleep(8_000)]);
      clearTimeout(timer);
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the child's own process group (detached)
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** The last `lines` lines of a log file. */
export function tail(file: string, lines = 60): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return `(no log at ${file})`;
  }
}

/** Polls `url` until it answers 2xx, failing early if `child` ends. */
export async function waitForUrl(url: string, child: Child | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (child?.exited()) throw new Error(`${child.name} ended (${child.exited()}) before ${url} answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer 2xx within ${timeoutMs / 1000} s (last: ${last})`);
}

/** Fails when something already listens on the port (another benchmark, a dev server). */
export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", () => reject(new Error(`port ${port} is in use; pick another with --port / --emulator-port`)));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
