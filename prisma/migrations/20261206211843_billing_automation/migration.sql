-- AlterTable
ALTER TABLE "CreditAccount" ADD COLUMN     "alertRecipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "alertSince" TIMESTAMP(3),
ADD COLUMN     "alertThreshold" INTEGER,
ADD COLUMN     "autoTopUpArmed" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "autoTopUpCrossings" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "autoTopUpEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "autoTopUpFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "autoTopUpMonthlyCap" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "autoTopUpOffReason" TEXT,
ADD COLUMN     "autoTopUpPacks" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "autoTopUpThreshold" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "expiryCheckedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AutoTopUp" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "crossing" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "packs" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "paymentId" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutoTopUp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CreditExpiryWarning" (
    "grantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "credits" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditExpiryWarning_pkey" PRIMARY KEY ("grantId")
);

-- CreateIndex
CREATE INDEX "AutoTopUp_customerId_createdAt_idx" ON "AutoTopUp"("customerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AutoTopUp_customerId_crossing_attempt_key" ON "AutoTopUp"("customerId", "crossing", "attempt");

-- CreateIndex
CREATE INDEX "CreditExpiryWarning_customerId_idx" ON "CreditExpiryWarning"("customerId");

-- The balance watch reads only accounts with an automation on (written by hand: Prisma has no partial indexes).
CREATE INDEX "CreditAccount_watched_idx" ON "CreditAccount"("customerId") WHERE "autoTopUpEnabled" OR "alertThreshold" IS NOT NULL;
