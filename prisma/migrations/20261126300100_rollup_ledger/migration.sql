-- CreateTable
CREATE TABLE "RollupLedger" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "eventIds" TEXT[],

    CONSTRAINT "RollupLedger_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RollupLedger_createdAt_idx" ON "RollupLedger"("createdAt");
