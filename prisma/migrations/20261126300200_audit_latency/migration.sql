-- AlterTable
ALTER TABLE "AuditSeries" DROP COLUMN "latencyBuckets";

-- CreateTable
CREATE TABLE "AuditLatency" (
    "granularity" TEXT NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "latencyBuckets" INTEGER[],

    CONSTRAINT "AuditLatency_pkey" PRIMARY KEY ("granularity","scope","key","bucketStart")
);
