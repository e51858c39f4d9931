import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

/**
 * The edge's shape: only lib/http/ sees Request and Response; route files are declarations over it.
 */

const root = path.resolve(__dirname, "../..");

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** The source without comments and string contents, so only code is searched. */
function code(file: string): string {
  return readFileSync(path.join(root, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, '""');
}

describe("the HTTP edge", () => {
  it("lib/ outside lib/http never touches Request or Response", () => {
    const offenders = filesUnder("lib", /\.tsx?$/)
      .filter((file) => !file.startsWith("lib/http/"))
      .filter((file) => /\b(Request|Response|NextRequest|NextResponse)\b/.test(code(file)));
    expect(offenders).toEqual([]);
  });

  it("every API route file is a short declaration over the kit", () => {
    const routes = filesUnder("app/api", /^route\.ts$/);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const source = code(route);
      // Built with the kit here, or in lib/api when the server also answers it ahead of Next.js (send-routes.ts).
      expect(readFileSync(path.join(root, route), "utf8"), route).toMatch(/from "@\/lib\/(http\/|api\/send-routes")/);
      expect(source, route).not.toMatch(/\b(Request|Response)\b/);
      expect(source.split("\n").filter((line) => line.trim()).length, route).toBeLessThanOrEqual(20);
    }
  });
});
