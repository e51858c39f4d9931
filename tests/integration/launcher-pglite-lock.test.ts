import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DatabaseInUseError, openDatabase, pgliteDirHolder } from "@/lib/db/client";

/**
 * Two processes on one PGlite directory silently lose writes: a directory is locked by <dir>/mailkit.pid.
 */

const root = path.resolve(__dirname, "../..");
let base: string;
let sleeper: ChildProcess;

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), "mailkit-pglite-lock-"));
  // A live process other than this one, to name in a lock file.
  sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
});
afterAll(() => {
  sleeper.kill("SIGKILL");
  rmSync(base, { recursive: true, force: true });
});

function freshDir(name: string): string {
  const dir = path.join(base, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
  return Number(child.stdout.trim());
}

describe("the PGlite directory lock", () => {
  it("is taken for this process (over a lock a dead process left), released on close, and may be taken again", async () => {
    const dir = freshDir("reopen");
    const lock = path.join(dir, "mailkit.pid");
    writeFileSync(lock, String(deadPid()));
    expect(pgliteDirHolder(dir)).toBeNull();

    const first = openDatabase({ kind: "pglite", dataDir: dir });
    expect(readFileSync(lock, "utf8")).toBe(String(process.pid));
    await first.query("CREATE TABLE kept (n int)");
    await first.query("INSERT INTO kept VALUES (1)");
    await first.close();
    expect(existsSync(lock)).toBe(false);

    // The launcher's sequence: it migrates and closes, then the app opens the directory (here: this process again).
    const second = openDatabase({ kind: "pglite", dataDir: dir });
    expect(await second.query<{ n: number }>("SELECT n FROM kept")).toEqual([{ n: 1 }]);
    await second.close();
    expect(existsSync(lock)).toBe(false);
  });

  it("refuses a directory another live process holds, with the reason and what to do", () => {
    const dir = freshDir("busy");
    const lock = path.join(dir, "mailkit.pid");
    writeFileSync(lock, String(sleeper.pid));

    expect(pgliteDirHolder(dir)).toBe(sleeper.pid);
    let error: unknown;
    try {
      openDatabase({ kind: "pglite", dataDir: dir });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DatabaseInUseError);
    expect((error as Error).message).toBe(
      `The embedded database in ${dir} is in use by process ${sleeper.pid} (another MailKit). Stop it, or give this instance its own PGLITE_DIR, or use PostgreSQL (DATABASE_URL) to run several instances.`,
    );
    // The other process's lock stays.
    expect(readFileSync(lock, "utf8")).toBe(String(sleeper.pid));
  });

  it("is released when the process exits without closing the database", () => {
    const dir = freshDir("exit");
    const script = `const { openDatabase } = await import(${JSON.stringify(path.join(root, "lib/db/client.ts"))});
      openDatabase({ kind: "pglite", dataDir: ${JSON.stringify(dir)} });
      const { existsSync } = await import("node:fs");
      console.log(existsSync(${JSON.stringify(path.join(dir, "mailkit.pid"))}));
      process.exit(0);`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(child.stdout.trim()).toBe("true");
    expect(existsSync(path.join(dir, "mailkit.pid"))).toBe(false);
  });
});
