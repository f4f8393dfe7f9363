-- AlterTable
ALTER TABLE "UpstreamConnection" ADD COLUMN     "refreshClaimId" TEXT,
ADD COLUMN     "refreshClaimedUntil" TIMESTAMP(3);
