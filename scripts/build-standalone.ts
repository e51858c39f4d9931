/**
 * npm run build:standalone — the production build as one self-contained folder, .next/standalone: `next build`
 * (output: "standalone"), then what Next leaves out of it: the static assets and the SQL migrations (applied at
 * start). Run it with `node .next/standalone/server.js` (PORT, HOSTNAME). The Dockerfile and the standalone
 * smoke test (tests/standalone) both build with this script.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";

const out = ".next/standalone";

if (!process.argv.includes("--skip-next-build")) {
  const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
if (!existsSync(join(out, "server.js"))) {
  console.error(`✖ ${out}/server.js is missing: is output: "standalone" set in next.config.ts?`);
  process.exit(1);
}

const copies: Array<[string, string]> = [
  [".next/static", join(out, ".next/static")],
  ["prisma/migrations", join(out, "prisma/migrations")],
];
if (existsSync("public")) copies.push(["public", join(out, "public")]);
for (const [from, to] of copies) {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}
// A build never carries local state: the embedded database and emulator folders stay out of the image.
rmSync(join(out, ".data"), { recursive: true, force: true });
rmSync(join(out, ".env"), { force: true });
console.log(`✓ ${out} is ready: node ${out}/server.js`);
