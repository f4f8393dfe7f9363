-- CreateTable: how far retention pruning has removed each audit hash chain (the newest pruned position and its hash)
CREATE TABLE "AuditChainPruned" (
    "chainKey" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "prunedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditChainPruned_pkey" PRIMARY KEY ("chainKey")
);
