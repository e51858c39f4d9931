import { spawn, type ChildProcess } from "node:child_process";

const children = new Set<ChildProcess>();

/** Starts a child process that shares this terminal and dies with this launcher. */
export function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { stdio: "inherit", env, detached: false });
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`[mailkit] ${name} exited (${signal ?? code}); stopping.`);
      stopAll(code ?? 1);
    }
  });
  return child;
}

let stopping = false;
export function stopAll(code = 0): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  // The app finishes requests and Resend calls in progress before it exits (at most 15 s): wait for it.
  setTimeout(() => process.exit(code), 16_000).unref();
  if (children.size === 0) process.exit(code);
  let remaining = children.size;
  for (const child of children) child.once("exit", () => --remaining === 0 && process.exit(code));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stopAll(0));

/** Polls a URL until it answers 2xx. */
export async function waitForUrl(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up within ${timeoutMs / 1000}s`);
}
