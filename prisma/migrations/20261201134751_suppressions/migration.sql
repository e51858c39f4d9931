-- CreateTable
CREATE TABLE "Suppression" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "sendId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Suppression_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CreditBack" (
    "sendId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "credits" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "ledgerEntryId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "CreditBack_pkey" PRIMARY KEY ("sendId")
);

-- CreateIndex
CREATE INDEX "Suppression_userId_createdAt_idx" ON "Suppression"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Suppression_customerId_address_key" ON "Suppression"("customerId", "address");

-- CreateIndex
CREATE UNIQUE INDEX "CreditBack_idempotencyKey_key" ON "CreditBack"("idempotencyKey");

-- CreateIndex
CREATE INDEX "CreditBack_customerId_status_idx" ON "CreditBack"("customerId", "status");

-- Known values only (hand-written; Prisma has no CHECK constraints).
ALTER TABLE "Suppression" ADD CONSTRAINT "Suppression_reason_check" CHECK ("reason" IN ('bounce', 'complaint', 'manual'));
ALTER TABLE "Suppression" ADD CONSTRAINT "Suppression_address_lower_check" CHECK ("address" = lower("address"));
ALTER TABLE "CreditBack" ADD CONSTRAINT "CreditBack_reason_check" CHECK ("reason" IN ('suppressed', 'failed'));
ALTER TABLE "CreditBack" ADD CONSTRAINT "CreditBack_status_check" CHECK ("status" IN ('pending', 'done', 'void', 'dead'));
ALTER TABLE "CreditBack" ADD CONSTRAINT "CreditBack_credits_check" CHECK ("credits" > 0);
