import { startIdempotencyPruner } from "@/lib/api/idempotency";
import { startOutboxWorker } from "@/lib/outbox/worker";
import { startSendSweeper } from "@/lib/sending/sweeper";

/** Work each server instance does in the background. Instances coordinate through the database. */
export function startBackgroundWork(): void {
  startOutboxWorker();
  // Settles sends whose Resend outcome was unknown (timeouts, 5xx, crashes): same idempotency key, then capture or release.
  startSendSweeper();
  startIdempotencyPruner();
}
