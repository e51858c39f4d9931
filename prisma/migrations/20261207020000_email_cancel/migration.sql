-- Cancelled scheduled emails (lib/sending/cancel.ts): a send may end `canceled`, before it reached Resend (no
-- Resend id) or after Resend took it and cancelled it at the customer's request; its credits come back
-- (a CreditBack with reason `canceled` when its debit was already cut).
ALTER TABLE "EmailSend" DROP CONSTRAINT "EmailSend_status_known";
ALTER TABLE "EmailSend" ADD CONSTRAINT "EmailSend_status_known" CHECK ("status" IN ('queued', 'unknown', 'failed', 'canceled', 'scheduled', 'sent', 'delivery_delayed', 'delivered', 'bounced', 'complained', 'suppressed'));
ALTER TABLE "EmailSend" DROP CONSTRAINT "EmailSend_accepted_has_resend_id";
ALTER TABLE "EmailSend" ADD CONSTRAINT "EmailSend_accepted_has_resend_id" CHECK ("status" IN ('queued', 'unknown', 'failed', 'canceled') OR "resendId" IS NOT NULL);
ALTER TABLE "CreditBack" DROP CONSTRAINT "CreditBack_reason_check";
ALTER TABLE "CreditBack" ADD CONSTRAINT "CreditBack_reason_check" CHECK ("reason" IN ('suppressed', 'failed', 'canceled'));
