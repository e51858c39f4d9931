-- AlterTable
ALTER TABLE "CreditAccount" ADD COLUMN     "syncRequestedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "EmailSend" ADD COLUMN     "batchable" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "debitId" TEXT,
ADD COLUMN     "deliveryBatchId" TEXT;

-- CreateTable
CREATE TABLE "DeliveryBatch" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "sendIds" TEXT[],
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "DeliveryBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UnbilledSend" (
    "sendId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "credits" INTEGER NOT NULL,
    "acceptedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UnbilledSend_pkey" PRIMARY KEY ("sendId")
);

-- CreateTable
CREATE TABLE "CreditDebit" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "credits" INTEGER NOT NULL,
    "emails" INTEGER NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "ledgerEntryId" TEXT,
    "balanceAfter" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "CreditDebit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderBudget" (
    "name" TEXT NOT NULL,
    "nextSlotAt" TIMESTAMP(3) NOT NULL,
    "learnedLimit" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProviderBudget_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryBatch_idempotencyKey_key" ON "DeliveryBatch"("idempotencyKey");

-- CreateIndex
CREATE INDEX "DeliveryBatch_status_nextAttemptAt_idx" ON "DeliveryBatch"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "UnbilledSend_customerId_acceptedAt_idx" ON "UnbilledSend"("customerId", "acceptedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CreditDebit_idempotencyKey_key" ON "CreditDebit"("idempotencyKey");

-- CreateIndex
CREATE INDEX "CreditDebit_status_runAt_idx" ON "CreditDebit"("status", "runAt");

-- CreateIndex
CREATE INDEX "CreditDebit_customerId_status_idx" ON "CreditDebit"("customerId", "status");

-- CreateIndex
CREATE INDEX "CreditDebit_ledgerEntryId_idx" ON "CreditDebit"("ledgerEntryId");

-- CreateIndex
CREATE INDEX "EmailSend_status_customerId_createdAt_idx" ON "EmailSend"("status", "customerId", "createdAt");

-- CreateIndex
CREATE INDEX "EmailSend_deliveryBatchId_idx" ON "EmailSend"("deliveryBatchId");

-- CreateIndex
CREATE INDEX "EmailSend_debitId_idx" ON "EmailSend"("debitId");

-- Hand-written: hand the sends that the previous pipeline left open (queued / unknown) to the dispatcher as
-- delivery batches under the idempotency keys they were first sent with, so a retry repeats the same request.
INSERT INTO "DeliveryBatch" ("id", "idempotencyKey", "mode", "sendIds")
SELECT "id", 'mailkit-send/' || "id", 'single', ARRAY["id"]
FROM "EmailSend" WHERE "status" IN ('queued', 'unknown') AND "batchId" IS NULL;
INSERT INTO "DeliveryBatch" ("id", "idempotencyKey", "mode", "sendIds")
SELECT "batchId", 'mailkit-batch/' || "batchId", 'strict', array_agg("id" ORDER BY "batchIndex")
FROM "EmailSend" WHERE "status" IN ('queued', 'unknown') AND "batchId" IS NOT NULL GROUP BY "batchId";
UPDATE "EmailSend" SET "deliveryBatchId" = COALESCE("batchId", "id") WHERE "status" IN ('queued', 'unknown');

-- Debits the previous pipeline queued per send (outbox jobs) become coalesced-debit rows with the same Dodo
-- idempotency key, so one already posted is not posted again.
INSERT INTO "CreditDebit" ("id", "customerId", "credits", "emails", "idempotencyKey", "status", "attempts", "lastError", "createdAt")
SELECT "id", "customerId", "credits", 1, "payload"->>'idempotencyKey', "status", "attempts", "lastError", "createdAt"
FROM "OutboxJob" WHERE "kind" = 'dodo.debit' AND "status" IN ('pending', 'dead');
UPDATE "EmailSend" s SET "debitId" = j."id"
FROM "OutboxJob" j WHERE j."kind" = 'dodo.debit' AND j."status" IN ('pending', 'dead') AND j."payload"->>'sendId' = s."id";
DELETE FROM "OutboxJob" WHERE "kind" = 'dodo.debit' AND "status" IN ('pending', 'dead');

ALTER TABLE "CreditDebit" ADD CONSTRAINT "CreditDebit_credits_positive" CHECK ("credits" > 0);
ALTER TABLE "CreditDebit" ADD CONSTRAINT "CreditDebit_status_known" CHECK ("status" IN ('pending', 'done', 'dead'));
ALTER TABLE "DeliveryBatch" ADD CONSTRAINT "DeliveryBatch_status_known" CHECK ("status" IN ('pending', 'done', 'stuck'));
