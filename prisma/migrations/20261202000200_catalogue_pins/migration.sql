-- CreateEnum
CREATE TYPE "CataloguePolicy" AS ENUM ('hold', 'allow');

-- CreateEnum
CREATE TYPE "DriftState" AS ENUM ('pending', 'approved', 'rejected');

-- AlterTable: existing servers keep today's behaviour (allow/allow)
ALTER TABLE "McpServer" ADD COLUMN "toolChanges" "CataloguePolicy" NOT NULL DEFAULT 'allow',
ADD COLUMN "newTools" "CataloguePolicy" NOT NULL DEFAULT 'allow';

-- AlterTable
ALTER TABLE "Tool" ADD COLUMN "approvedDefinition" JSONB,
ADD COLUMN "pin" TEXT,
ADD COLUMN "approvedById" TEXT,
ADD COLUMN "approvedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ToolDriftReport" (
    "id" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "pin" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "firstDataPlaneId" TEXT,
    "firstDataPlaneName" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state" "DriftState" NOT NULL DEFAULT 'pending',
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "ToolDriftReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Tool_approvedById_idx" ON "Tool"("approvedById");

-- CreateIndex
CREATE UNIQUE INDEX "ToolDriftReport_serverId_toolName_pin_key" ON "ToolDriftReport"("serverId", "toolName", "pin");

-- CreateIndex
CREATE INDEX "ToolDriftReport_state_serverId_idx" ON "ToolDriftReport"("state", "serverId");

-- CreateIndex
CREATE INDEX "ToolDriftReport_firstDataPlaneId_idx" ON "ToolDriftReport"("firstDataPlaneId");

-- CreateIndex
CREATE INDEX "ToolDriftReport_decidedById_idx" ON "ToolDriftReport"("decidedById");

-- AddForeignKey
ALTER TABLE "Tool" ADD CONSTRAINT "Tool_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolDriftReport" ADD CONSTRAINT "ToolDriftReport_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolDriftReport" ADD CONSTRAINT "ToolDriftReport_firstDataPlaneId_fkey" FOREIGN KEY ("firstDataPlaneId") REFERENCES "DataPlane"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolDriftReport" ADD CONSTRAINT "ToolDriftReport_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
