-- AlterTable
ALTER TABLE "ProviderBudget" ADD COLUMN     "recentCalls" JSONB NOT NULL DEFAULT '{}';
