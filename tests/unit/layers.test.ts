import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

/**
 * lib/ is a one-way stack: each folder (or top-level file) imports only units below it in LAYERS. Type-only
 * imports are allowed in any direction (they are erased and cannot pull code in). The README's Architecture
 * section explains each layer; keep the two in step.
 */
export const LAYERS: { layer: string; units: string[] }[] = [
  { layer: "foundations", units: ["text", "format", "catalog", "mail", "env", "runtime", "errors", "net"] },
  { layer: "infrastructure", units: ["db", "validation", "rate-limit", "metrics", "outbox", "request-log"] },
  { layer: "provider adapters", units: ["dodo", "resend", "emails"] },
  {
    layer: "domain",
    units: ["credits", "webhooks", "suppressions", "domains", "sending", "billing", "auth", "keys", "deliverability"],
  },
  { layer: "inbound", units: ["inbound"] },
  { layer: "surfaces", units: ["http", "api", "dashboard", "live"] },
  { layer: "wiring", units: ["background", "server-start"] },
];

const root = path.resolve(__dirname, "../..");
const rank = new Map(LAYERS.flatMap(({ units }) => units).map((unit, index) => [unit, index]));

/** `lib/sending/settle.ts` → "sending"; `lib/background.ts` → "background". */
export function unitOf(file: string): string {
  const parts = file.split("/");
  return parts.length > 2 ? parts[1]! : parts[1]!.replace(/\.tsx?$/, "");
}

/** The lib units a source file imports at runtime (value imports and re-exports; `import type` left out). */
export function runtimeImports(file: string, source: string): string[] {
  const units: string[] = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^;]*?\sfrom\s+)?"([^"]+)"/gm)) {
    if (match[1]) continue;
    const specifier = match[2]!;
    const target = specifier.startsWith("@/")
      ? specifier.slice(2)
      : specifier.startsWith(".")
        ? path.posix.join(path.posix.dirname(file), specifier)
        : undefined;
    if (!target?.startsWith("lib/")) continue;
    units.push(unitOf(target.split("/").length === 2 ? `${target}.ts` : target));
  }
  return units;
}

/** Every import that points up the stack or at a unit the order does not place. */
export function backEdges(files: { file: string; source: string }[]): string[] {
  const problems: string[] = [];
  for (const { file, source } of files) {
    const from = unitOf(file);
    if (!rank.has(from)) problems.push(`${file}: lib/${from} is not placed in LAYERS`);
    for (const to of runtimeImports(file, source)) {
      if (to === from) continue;
      if (!rank.has(to)) problems.push(`${file} imports lib/${to}, which is not placed in LAYERS`);
      else if (rank.get(to)! > rank.get(from)!) problems.push(`${file} imports lib/${to}, which is above lib/${from}`);
    }
  }
  return [...new Set(problems)];
}

function libSources(): { file: string; source: string }[] {
  return readdirSync(path.join(root, "lib"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .map((file) => ({ file, source: readFileSync(path.join(root, file), "utf8") }));
}

describe("lib/ as a one-way stack", () => {
  it("every lib folder imports only folders below it", () => {
    expect(backEdges(libSources())).toEqual([]);
  });

  it("a back edge, a new unplaced folder and a relative climb are each reported", () => {
    expect(
      backEdges([
        { file: "lib/db/index.ts", source: 'import { sendEmails } from "@/lib/sending";' },
        { file: "lib/db/client.ts", source: 'import type { Sender } from "@/lib/sending";' },
        { file: "lib/newthing/index.ts", source: 'import { db } from "@/lib/db";' },
        { file: "lib/env/index.ts", source: 'export { logger } from "../runtime/log";' },
      ]),
    ).toEqual([
      "lib/db/index.ts imports lib/sending, which is above lib/db",
      "lib/newthing/index.ts: lib/newthing is not placed in LAYERS",
      "lib/env/index.ts imports lib/runtime, which is above lib/env",
    ]);
  });

  it("no lib file is longer than 300 lines", () => {
    const long = libSources()
      .map(({ file, source }) => ({ file, lines: source.split("\n").length }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });
});
