-- CreateEnum
CREATE TYPE "RequireAction" AS ENUM ('confirm', 'approve');

-- CreateEnum
CREATE TYPE "DestructiveDefault" AS ENUM ('allow', 'confirm', 'approve');

-- CreateEnum
CREATE TYPE "ApprovalKind" AS ENUM ('confirm', 'approve');

-- CreateEnum
CREATE TYPE "ApprovalStatus" AS ENUM ('pending', 'approved', 'rejected', 'expired', 'used', 'void');

-- AlterTable
ALTER TABLE "McpServer" ADD COLUMN     "destructive" "DestructiveDefault" NOT NULL DEFAULT 'allow',
ADD COLUMN     "destructiveApprovers" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "approvalId" TEXT,
ADD COLUMN     "approvalKind" "ApprovalKind",
ADD COLUMN     "approvedBy" TEXT,
ADD COLUMN     "approvalWaitedMs" INTEGER;

-- CreateTable
CREATE TABLE "ToolRequirement" (
    "serverId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "action" "RequireAction" NOT NULL,
    "subjects" TEXT[] DEFAULT ARRAY['*']::TEXT[],
    "condition" TEXT,
    "approvers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "selfApproval" BOOLEAN NOT NULL DEFAULT false,
    "expiresSeconds" INTEGER NOT NULL DEFAULT 900,
    "waitSeconds" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ToolRequirement_pkey" PRIMARY KEY ("serverId","toolName")
);

-- CreateTable
CREATE TABLE "ToolCallApproval" (
    "id" TEXT NOT NULL,
    "kind" "ApprovalKind" NOT NULL,
    "callHash" TEXT NOT NULL,
    "ruleHash" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "consumer" TEXT NOT NULL,
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "arguments" JSONB NOT NULL,
    "rule" TEXT NOT NULL,
    "configVersion" INTEGER,
    "approvers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "selfApproval" BOOLEAN NOT NULL DEFAULT false,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'pending',
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "decidedById" TEXT,
    "decidedByEmail" TEXT,
    "decidedAt" TIMESTAMP(3),
    "usedAt" TIMESTAMP(3),
    "usedByGateway" TEXT,
    "requestId" TEXT NOT NULL DEFAULT '',
    "gateway" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "ToolCallApproval_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEvent_approvalId_idx" ON "AuditEvent"("approvalId");

-- CreateIndex
CREATE INDEX "ToolCallApproval_callHash_status_idx" ON "ToolCallApproval"("callHash", "status");

-- CreateIndex
CREATE INDEX "ToolCallApproval_status_requestedAt_idx" ON "ToolCallApproval"("status", "requestedAt");

-- CreateIndex
CREATE INDEX "ToolCallApproval_server_status_idx" ON "ToolCallApproval"("server", "status");

-- CreateIndex
CREATE INDEX "ToolCallApproval_decidedById_idx" ON "ToolCallApproval"("decidedById");

-- AddForeignKey
ALTER TABLE "ToolRequirement" ADD CONSTRAINT "ToolRequirement_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolCallApproval" ADD CONSTRAINT "ToolCallApproval_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
