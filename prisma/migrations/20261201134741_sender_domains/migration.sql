-- CreateTable
CREATE TABLE "SenderDomain" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "resendId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'not_started',
    "region" TEXT NOT NULL,
    "records" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verifiedAt" TIMESTAMP(3),
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SenderDomain_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SenderDomain_name_key" ON "SenderDomain"("name");

-- CreateIndex
CREATE UNIQUE INDEX "SenderDomain_resendId_key" ON "SenderDomain"("resendId");

-- CreateIndex
CREATE INDEX "SenderDomain_userId_status_idx" ON "SenderDomain"("userId", "status");

-- CreateIndex
CREATE INDEX "SenderDomain_status_checkedAt_idx" ON "SenderDomain"("status", "checkedAt");

-- AddForeignKey
ALTER TABLE "SenderDomain" ADD CONSTRAINT "SenderDomain_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
