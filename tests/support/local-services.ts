import { afterAll, beforeAll } from "vitest";

import { startEmulators, type EmulatorServer } from "@/emulators/server";
import { resetEnvForTests } from "@/lib/env";
import { resetDodoForTests } from "@/lib/dodo/client";
import { ensureCatalog, resetCatalogForTests, type Catalog } from "@/lib/dodo/catalog";
import { getDodo } from "@/lib/dodo/client";
import { resetResendForTests } from "@/lib/resend/client";

export const TEST_DODO_WEBHOOK_SECRET = "whsec_" + Buffer.from("mailkit-test-dodo-webhook-secret").toString("base64");

/**
 * Starts the emulators in this test file's process (in memory) and points MailKit's SDK clients at them,
 * with a Dodo webhook secret of the test's own. Returns a handle filled in before the tests run.
 */
export function withLocalServices(options: { appUrl?: string } = {}) {
  const handle = {} as { emulators: EmulatorServer; catalog: Catalog };
  beforeAll(async () => {
    handle.emulators = await startEmulators({ port: 0, appUrl: options.appUrl ?? "http://127.0.0.1:9" });
    process.env.EMULATOR_URL = handle.emulators.url;
    process.env.DODO_PAYMENTS_WEBHOOK_KEY = TEST_DODO_WEBHOOK_SECRET;
    resetEnvForTests();
    resetDodoForTests();
    resetResendForTests();
    resetCatalogForTests();
    handle.catalog = await ensureCatalog(getDodo());
  });
  afterAll(async () => {
    await handle.emulators?.close();
  });
  return handle;
}
