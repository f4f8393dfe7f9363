-- Events stored before this migration stay outside the chain (their chain columns are null);
-- each data plane's chain starts at the first event ingested after it.

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "chainKey" TEXT,
ADD COLUMN "chainSeq" BIGINT,
ADD COLUMN "hash" TEXT;

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "chainKey" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditChainHead_pkey" PRIMARY KEY ("chainKey")
);

-- CreateTable
CREATE TABLE "AuditChainCheckpoint" (
    "chainKey" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditChainCheckpoint_pkey" PRIMARY KEY ("chainKey","seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_chainKey_chainSeq_key" ON "AuditEvent"("chainKey", "chainSeq");
