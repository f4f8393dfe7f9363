-- CreateTable
CREATE TABLE "AuditSeries" (
    "granularity" TEXT NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requests" INTEGER NOT NULL,
    "denials" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "latencySumMs" DOUBLE PRECISION NOT NULL,
    "latencyBuckets" INTEGER[],

    CONSTRAINT "AuditSeries_pkey" PRIMARY KEY ("granularity","scope","key","bucketStart")
);

-- CreateIndex
CREATE INDEX "AuditSeries_granularity_scope_bucketStart_idx" ON "AuditSeries"("granularity", "scope", "bucketStart");
