-- CreateEnum
CREATE TYPE "UpstreamConnectionStatus" AS ENUM ('connected', 'broken');

-- AlterTable
ALTER TABLE "McpServer" ADD COLUMN     "upstreamAccount" JSONB;

-- CreateTable
CREATE TABLE "UpstreamConnection" (
    "id" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "accessCiphertext" TEXT NOT NULL,
    "refreshCiphertext" TEXT,
    "expiresAt" TIMESTAMP(3),
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "UpstreamConnectionStatus" NOT NULL DEFAULT 'connected',
    "brokenReason" TEXT,
    "lastUsedAt" TIMESTAMP(3),
    "connectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UpstreamConnection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UpstreamConnection_serverId_idx" ON "UpstreamConnection"("serverId");

-- CreateIndex
CREATE UNIQUE INDEX "UpstreamConnection_consumerId_serverId_key" ON "UpstreamConnection"("consumerId", "serverId");

-- AddForeignKey
ALTER TABLE "UpstreamConnection" ADD CONSTRAINT "UpstreamConnection_consumerId_fkey" FOREIGN KEY ("consumerId") REFERENCES "Consumer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpstreamConnection" ADD CONSTRAINT "UpstreamConnection_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
