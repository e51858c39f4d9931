-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "permission" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "rateLimitPerSecond" INTEGER,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailSend" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "apiKeyId" TEXT,
    "source" TEXT NOT NULL,
    "batchId" TEXT,
    "batchIndex" INTEGER,
    "fromAddress" TEXT NOT NULL,
    "to" TEXT[],
    "cc" TEXT[],
    "bcc" TEXT[],
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "cost" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "resendId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "acceptedAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "lastEventAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailSend_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailEvent" (
    "id" TEXT NOT NULL,
    "sendId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "recipients" TEXT[],
    "detail" JSONB,
    "webhookId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiIdempotencyKey" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "sendIds" TEXT[],
    "responseStatus" INTEGER,
    "responseBody" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApiIdempotencyKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimitBucket" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "RateLimitBucket_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_tokenHash_key" ON "ApiKey"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiKey_userId_createdAt_idx" ON "ApiKey"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "EmailSend_resendId_key" ON "EmailSend"("resendId");

-- CreateIndex
CREATE INDEX "EmailSend_userId_createdAt_idx" ON "EmailSend"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "EmailSend_userId_status_createdAt_idx" ON "EmailSend"("userId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "EmailSend_status_nextAttemptAt_idx" ON "EmailSend"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "EmailSend_batchId_idx" ON "EmailSend"("batchId");

-- CreateIndex
CREATE INDEX "EmailSend_apiKeyId_idx" ON "EmailSend"("apiKeyId");

-- CreateIndex
CREATE UNIQUE INDEX "EmailEvent_webhookId_key" ON "EmailEvent"("webhookId");

-- CreateIndex
CREATE INDEX "EmailEvent_sendId_occurredAt_idx" ON "EmailEvent"("sendId", "occurredAt");

-- CreateIndex
CREATE INDEX "ApiIdempotencyKey_expiresAt_idx" ON "ApiIdempotencyKey"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiIdempotencyKey_userId_endpoint_key_key" ON "ApiIdempotencyKey"("userId", "endpoint", "key");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailSend" ADD CONSTRAINT "EmailSend_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailSend" ADD CONSTRAINT "EmailSend_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailEvent" ADD CONSTRAINT "EmailEvent_sendId_fkey" FOREIGN KEY ("sendId") REFERENCES "EmailSend"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiIdempotencyKey" ADD CONSTRAINT "ApiIdempotencyKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (Prisma schemas cannot express CHECK).
-- Every send costs at least one credit (one distinct recipient).
ALTER TABLE "EmailSend" ADD CONSTRAINT "EmailSend_cost_positive" CHECK ("cost" > 0);
-- The send state machine's states (lib/sending/status.ts).
ALTER TABLE "EmailSend" ADD CONSTRAINT "EmailSend_status_known" CHECK ("status" IN ('queued', 'unknown', 'failed', 'sent', 'delivery_delayed', 'delivered', 'bounced', 'complained', 'suppressed'));
-- A send Resend accepted (and that was charged) always knows its Resend id: the Dodo debit is keyed on it.
ALTER TABLE "EmailSend" ADD CONSTRAINT "EmailSend_accepted_has_resend_id" CHECK ("status" IN ('queued', 'unknown', 'failed') OR "resendId" IS NOT NULL);
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_permission_known" CHECK ("permission" IN ('full_access', 'sending_access'));
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_rate_limit_positive" CHECK ("rateLimitPerSecond" IS NULL OR "rateLimitPerSecond" > 0);
