import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests in a real browser against the real app (production build) and the local emulators.
 * Uses Debian's /usr/bin/chromium when present (Playwright cannot download browsers here), Playwright's
 * own browser elsewhere. Ports differ from `npm run dev` so both can run at once.
 */
const systemChromium = "/usr/bin/chromium";
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const emulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? 4110);
export const E2E = {
  appUrl: `http://localhost:${appPort}`,
  emulatorUrl: `http://localhost:${emulatorPort}`,
};

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: E2E.appUrl,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: existsSync(systemChromium)
      ? {
          executablePath: systemChromium,
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        }
      : {},
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 860 } } }],
  webServer: {
    // Builds if needed, then runs the app and the emulators on fresh, throwaway state.
    command: "npx tsx scripts/e2e-server.ts",
    url: `${E2E.appUrl}/api/health`,
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      E2E_APP_PORT: String(appPort),
      E2E_EMULATOR_PORT: String(emulatorPort),
    },
  },
});
