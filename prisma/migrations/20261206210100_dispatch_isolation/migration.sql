-- Size-aware packing (EmailSend.payloadBytes) and settling retried from the stored answer (DeliveryBatch.outcome).
-- AlterTable
ALTER TABLE "EmailSend" ADD COLUMN     "payloadBytes" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "DeliveryBatch" ADD COLUMN     "outcome" JSONB;
