-- CreateEnum
CREATE TYPE "ResultRedaction" AS ENUM ('off', 'secrets');

-- AlterTable
ALTER TABLE "McpServer" ADD COLUMN "resultRedaction" "ResultRedaction" NOT NULL DEFAULT 'off',
ADD COLUMN "auditArguments" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "AclCondition" (
    "serverId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "effect" "AclEffect" NOT NULL,
    "expression" TEXT NOT NULL,
    "message" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AclCondition_pkey" PRIMARY KEY ("serverId","toolName")
);

-- CreateTable
CREATE TABLE "ArgumentRedaction" (
    "serverId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "paths" TEXT[],

    CONSTRAINT "ArgumentRedaction_pkey" PRIMARY KEY ("serverId","toolName")
);

-- AddForeignKey
ALTER TABLE "AclCondition" ADD CONSTRAINT "AclCondition_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArgumentRedaction" ADD CONSTRAINT "ArgumentRedaction_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
