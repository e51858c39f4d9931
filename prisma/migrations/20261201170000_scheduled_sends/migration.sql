-- Scheduled sends: Resend accepted the email and sends it at its `scheduledAt` (lib/sending/status.ts).
ALTER TABLE "EmailSend" DROP CONSTRAINT "EmailSend_status_known";
ALTER TABLE "EmailSend" ADD CONSTRAINT "EmailSend_status_known" CHECK ("status" IN ('queued', 'unknown', 'failed', 'scheduled', 'sent', 'delivery_delayed', 'delivered', 'bounced', 'complained', 'suppressed'));
