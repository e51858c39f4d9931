/**
 * npm test — everything, in order: typecheck, lint, unit + emulator + integration tests (Vitest; on PGlite,
 * and on PostgreSQL too when TEST_DATABASE_URL is set), then end-to-end tests in Chromium (Playwright).
 * Ends with one line "N passed, N failed" over all test cases.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

mkdirSync("test-results", { recursive: true });
for (const report of ["test-results/vitest.json", "test-results/playwright.json"]) rmSync(report, { force: true });
const bin = (name: string) => `node_modules/.bin/${name}`;
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

type Step = { name: string; command: string; args: string[]; env?: Record<string, string> };
const steps: Step[] = [
  { name: "typecheck", command: bin("tsc"), args: ["--noEmit"] },
  { name: "lint", command: bin("eslint"), args: [".", "--max-warnings=0"] },
  {
    // Runtime import cycles (type-only imports are erased, so they cannot cycle).
    name: "import cycles",
    command: bin("dpdm"),
    args: [
      ...["--tsconfig", "tsconfig.json", "-T", "--no-warning", "--no-tree", "--exit-code", "circular:1"],
      ...["--exclude", "node_modules|lib/generated"],
      ...["lib/**/*.ts", "lib/**/*.tsx", "app/**/*.ts", "app/**/*.tsx", "components/**/*.tsx"],
      ...["emulators/**/*.ts", "scripts/**/*.ts"],
    ],
  },
  {
    name: "vitest",
    command: bin("vitest"),
    args: ["run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest.json"],
  },
  {
    name: "playwright",
    command: bin("playwright"),
    args: ["test", "--reporter=list,json"],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: "test-results/playwright.json" },
  },
];

const only = process.argv.slice(2);
const failures: string[] = [];
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  console.log(`\n━━ ${step.name} ━━`);
  const started = Date.now();
  const result = spawnSync(step.command, step.args, { stdio: "inherit", env: { ...env, ...step.env } });
  console.log(
    `━━ ${step.name}: ${result.status === 0 ? "ok" : "FAILED"} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (result.status !== 0) failures.push(step.name);
}

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync("test-results/vitest.json")) {
  const report = JSON.parse(readFileSync("test-results/vitest.json", "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
if (existsSync("test-results/playwright.json")) {
  const report = JSON.parse(readFileSync("test-results/playwright.json", "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  passed += report.stats.expected + report.stats.flaky;
  failed += report.stats.unexpected;
  skipped += report.stats.skipped;
}
if (failures.length) console.log(`\nFailed steps: ${failures.join(", ")}`);
// A failed step that ran no test case (typecheck, lint, a crash) still counts as a failure.
console.log(
  `\n${passed} passed, ${Math.max(failed, failures.length && failed === 0 ? 1 : failed)} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
process.exit(failures.length ? 1 : 0);
