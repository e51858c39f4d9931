import { startOutboxWorker } from "@/lib/outbox/worker";

/** Work each server instance does in the background. Instances coordinate through the database. */
export function startBackgroundWork(): void {
  startOutboxWorker();
}
