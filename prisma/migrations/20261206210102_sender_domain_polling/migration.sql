-- DropIndex
DROP INDEX "SenderDomain_status_checkedAt_idx";

-- AlterTable
ALTER TABLE "SenderDomain" ADD COLUMN     "claimExpiresAt" TIMESTAMP(3),
ADD COLUMN     "nextCheckAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "polledAt" TIMESTAMP(3),
ADD COLUMN     "unchangedChecks" INTEGER NOT NULL DEFAULT 0,
ALTER COLUMN "resendId" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "SenderDomain_nextCheckAt_idx" ON "SenderDomain"("nextCheckAt");

-- CreateIndex
CREATE INDEX "SenderDomain_claimExpiresAt_idx" ON "SenderDomain"("claimExpiresAt");

-- Domains added before this migration and not verified now are claims like any other: released 72 h after they were added.
UPDATE "SenderDomain" SET "claimExpiresAt" = "createdAt" + interval '72 hours' WHERE "status" <> 'verified' AND "verifiedAt" IS NULL;
