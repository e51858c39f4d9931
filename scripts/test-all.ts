/**
 * npm test — everything, in order: typecheck, lint, unit + emulator + integration tests (Vitest; on PGlite,
 * and on PostgreSQL too when TEST_DATABASE_URL is set), then end-to-end tests in Chromium (Playwright).
 * Ends with one line "N passed, N failed" over all test cases.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { relative } from "node:path";

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
      ...["--exclude", "node_modules|prisma/generated"],
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

// With TEST_DATABASE_URL, the vitest step's standalone project has just made a production build (npm run
// build:standalone): the e2e server reuses it instead of building again.
const builtByVitest = () => !!process.env.TEST_DATABASE_URL && ranOk.has("vitest");
const ranOk = new Set<string>();

const only = process.argv.slice(2);
const failures: string[] = [];
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  console.log(`\n━━ ${step.name} ━━`);
  const started = Date.now();
  const reuseBuild = step.name === "playwright" && builtByVitest() ? { E2E_SKIP_BUILD: "1" } : {};
  const result = spawnSync(step.command, step.args, { stdio: "inherit", env: { ...env, ...step.env, ...reuseBuild } });
  if (result.status === 0) ranOk.add(step.name);
  console.log(
    `━━ ${step.name}: ${result.status === 0 ? "ok" : "FAILED"} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (result.status !== 0) failures.push(step.name);
}

// The failing cases are named last, so the tail of a long CI log says what failed and why.
const failedNames: string[] = [];
const firstLine = (message?: string) =>
  (message ?? "")
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")[0]!
    .slice(0, 300);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync("test-results/vitest.json")) {
  const report = JSON.parse(readFileSync("test-results/vitest.json", "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: {
      name: string;
      message?: string;
      assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
    }[];
  };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults) {
    const where = relative(process.cwd(), file.name);
    const failedCases = file.assertionResults.filter((test) => test.status === "failed");
    for (const test of failedCases)
      failedNames.push(`vitest ${where} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    // A file that failed outside any test (an import error, a failing hook).
    if (!failedCases.length && file.message) failedNames.push(`vitest ${where}: ${firstLine(file.message)}`);
  }
}
if (existsSync("test-results/playwright.json")) {
  type Suite = {
    file: string;
    specs?: { title: string; ok: boolean; tests: { results: { error?: { message?: string } }[] }[] }[];
    suites?: Suite[];
  };
  const report = JSON.parse(readFileSync("test-results/playwright.json", "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    suites: Suite[];
  };
  const walk = (suite: Suite) => {
    for (const spec of suite.specs ?? []) {
      if (spec.ok) continue;
      const error = spec.tests.flatMap((test) => test.results).find((result) => result.error)?.error?.message;
      failedNames.push(`playwright ${suite.file} › ${spec.title}: ${firstLine(error)}`);
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  report.suites.forEach(walk);
  passed += report.stats.expected + report.stats.flaky;
  failed += report.stats.unexpected;
  skipped += report.stats.skipped;
}
if (failures.length) console.log(`\nFailed steps: ${failures.join(", ")}`);
if (failedNames.length) console.log(`\nFailed tests:\n${failedNames.map((name) => `  ✗ ${name}`).join("\n")}`);
// A failed step that ran no test case (typecheck, lint, a crash) still counts as a failure.
console.log(
  `\n${passed} passed, ${Math.max(failed, failures.length && failed === 0 ? 1 : failed)} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
process.exit(failures.length ? 1 : 0);
