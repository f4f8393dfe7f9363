-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'developer', 'viewer');

-- CreateEnum
CREATE TYPE "AuthMode" AS ENUM ('passthrough', 'token_swap');

-- CreateEnum
CREATE TYPE "AclEffect" AS ENUM ('allow', 'deny');

-- CreateEnum
CREATE TYPE "AuditDecision" AS ENUM ('allow', 'deny', 'error');

-- CreateEnum
CREATE TYPE "DataPlaneStatus" AS ENUM ('never_connected', 'connected', 'disconnected', 'failed');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "passwordHash" TEXT,
    "role" "Role" NOT NULL DEFAULT 'developer',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastSignInAt" TIMESTAMP(3),
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "McpServer" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "upstreamUrl" TEXT NOT NULL,
    "authMode" "AuthMode" NOT NULL,
    "authSettings" JSONB NOT NULL,
    "upstreamHeaders" JSONB NOT NULL DEFAULT '{}',
    "corsOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "timeoutMs" INTEGER NOT NULL DEFAULT 30000,
    "aclVersion" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "McpServer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tool" (
    "id" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "inputSchema" JSONB NOT NULL DEFAULT '{}',
    "inputSchemaHash" TEXT NOT NULL,
    "readOnlyHint" BOOLEAN,
    "annotations" JSONB,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changedAt" TIMESTAMP(3),
    "goneAt" TIMESTAMP(3),

    CONSTRAINT "Tool_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsumerGroup" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConsumerGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consumer" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "customId" TEXT,
    "ownerUserId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "Consumer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsumerGroupMember" (
    "consumerId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,

    CONSTRAINT "ConsumerGroupMember_pkey" PRIMARY KEY ("consumerId","groupId")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AclGroupRule" (
    "serverId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "effect" "AclEffect" NOT NULL,

    CONSTRAINT "AclGroupRule_pkey" PRIMARY KEY ("serverId","toolName","groupId")
);

-- CreateTable
CREATE TABLE "AclConsumerRule" (
    "serverId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "effect" "AclEffect" NOT NULL,

    CONSTRAINT "AclConsumerRule_pkey" PRIMARY KEY ("serverId","toolName","consumerId")
);

-- CreateTable
CREATE TABLE "AclOthersRule" (
    "serverId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "effect" "AclEffect" NOT NULL,

    CONSTRAINT "AclOthersRule_pkey" PRIMARY KEY ("serverId","toolName")
);

-- CreateTable
CREATE TABLE "Secret" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Secret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VaultBackend" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VaultBackend_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConfigVersion" (
    "id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "authorId" TEXT,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConfigVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataPlane" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "tokenPrefix" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    "revokedAt" TIMESTAMP(3),
    "status" "DataPlaneStatus" NOT NULL DEFAULT 'never_connected',
    "statusReason" TEXT NOT NULL DEFAULT '',
    "address" TEXT NOT NULL DEFAULT '',
    "hostname" TEXT NOT NULL DEFAULT '',
    "softwareVersion" TEXT NOT NULL DEFAULT '',
    "startedAt" TIMESTAMP(3),
    "lastSeenAt" TIMESTAMP(3),
    "appliedVersion" INTEGER,
    "appliedHash" TEXT,
    "droppedEvents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "DataPlane_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,
    "requestId" TEXT NOT NULL,
    "dataPlaneId" TEXT,
    "serverName" TEXT NOT NULL,
    "consumerName" TEXT,
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "endUser" TEXT,
    "upstreamIdentity" TEXT,
    "method" TEXT,
    "toolName" TEXT,
    "decision" "AuditDecision" NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "httpStatus" INTEGER NOT NULL,
    "rpcErrorCode" INTEGER,
    "upstreamLatencyMs" DOUBLE PRECISION,
    "totalLatencyMs" DOUBLE PRECISION NOT NULL,
    "bytesIn" INTEGER NOT NULL DEFAULT 0,
    "bytesOut" INTEGER NOT NULL DEFAULT 0,
    "tokenHash" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditRollup" (
    "minute" TIMESTAMP(3) NOT NULL,
    "serverName" TEXT NOT NULL,
    "consumerName" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "decision" "AuditDecision" NOT NULL,
    "count" INTEGER NOT NULL,
    "errorCount" INTEGER NOT NULL,
    "latencySumMs" DOUBLE PRECISION NOT NULL,
    "latencyBuckets" INTEGER[],

    CONSTRAINT "AuditRollup_pkey" PRIMARY KEY ("minute","serverName","consumerName","toolName","decision")
);

-- CreateTable
CREATE TABLE "ActivityLog" (
    "id" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL DEFAULT '',
    "entityName" TEXT NOT NULL DEFAULT '',
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "ActivityLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "User_role_idx" ON "User"("role");

-- CreateIndex
CREATE UNIQUE INDEX "McpServer_name_key" ON "McpServer"("name");

-- CreateIndex
CREATE UNIQUE INDEX "McpServer_path_key" ON "McpServer"("path");

-- CreateIndex
CREATE UNIQUE INDEX "Tool_serverId_name_key" ON "Tool"("serverId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ConsumerGroup_name_key" ON "ConsumerGroup"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Consumer_username_key" ON "Consumer"("username");

-- CreateIndex
CREATE UNIQUE INDEX "Consumer_customId_key" ON "Consumer"("customId");

-- CreateIndex
CREATE INDEX "Consumer_ownerUserId_idx" ON "Consumer"("ownerUserId");

-- CreateIndex
CREATE INDEX "Consumer_createdAt_idx" ON "Consumer"("createdAt");

-- CreateIndex
CREATE INDEX "ConsumerGroupMember_groupId_idx" ON "ConsumerGroupMember"("groupId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_consumerId_createdAt_idx" ON "ApiKey"("consumerId", "createdAt");

-- CreateIndex
CREATE INDEX "ApiKey_createdById_idx" ON "ApiKey"("createdById");

-- CreateIndex
CREATE INDEX "AclGroupRule_groupId_idx" ON "AclGroupRule"("groupId");

-- CreateIndex
CREATE INDEX "AclConsumerRule_consumerId_idx" ON "AclConsumerRule"("consumerId");

-- CreateIndex
CREATE UNIQUE INDEX "Secret_name_key" ON "Secret"("name");

-- CreateIndex
CREATE UNIQUE INDEX "VaultBackend_kind_key" ON "VaultBackend"("kind");

-- CreateIndex
CREATE UNIQUE INDEX "ConfigVersion_number_key" ON "ConfigVersion"("number");

-- CreateIndex
CREATE INDEX "ConfigVersion_authorId_idx" ON "ConfigVersion"("authorId");

-- CreateIndex
CREATE INDEX "ConfigVersion_hash_idx" ON "ConfigVersion"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "DataPlane_name_key" ON "DataPlane"("name");

-- CreateIndex
CREATE UNIQUE INDEX "DataPlane_tokenHash_key" ON "DataPlane"("tokenHash");

-- CreateIndex
CREATE INDEX "DataPlane_createdById_idx" ON "DataPlane"("createdById");

-- CreateIndex
CREATE INDEX "AuditEvent_time_idx" ON "AuditEvent"("time");

-- CreateIndex
CREATE INDEX "AuditEvent_serverName_time_idx" ON "AuditEvent"("serverName", "time");

-- CreateIndex
CREATE INDEX "AuditEvent_consumerName_time_idx" ON "AuditEvent"("consumerName", "time");

-- CreateIndex
CREATE INDEX "AuditEvent_toolName_time_idx" ON "AuditEvent"("toolName", "time");

-- CreateIndex
CREATE INDEX "AuditEvent_decision_time_idx" ON "AuditEvent"("decision", "time");

-- CreateIndex
CREATE INDEX "AuditEvent_dataPlaneId_idx" ON "AuditEvent"("dataPlaneId");

-- CreateIndex
CREATE INDEX "AuditRollup_consumerName_minute_idx" ON "AuditRollup"("consumerName", "minute");

-- CreateIndex
CREATE INDEX "AuditRollup_serverName_minute_idx" ON "AuditRollup"("serverName", "minute");

-- CreateIndex
CREATE INDEX "AuditRollup_toolName_minute_idx" ON "AuditRollup"("toolName", "minute");

-- CreateIndex
CREATE INDEX "ActivityLog_time_idx" ON "ActivityLog"("time");

-- CreateIndex
CREATE INDEX "ActivityLog_actorId_time_idx" ON "ActivityLog"("actorId", "time");

-- CreateIndex
CREATE INDEX "ActivityLog_entityType_time_idx" ON "ActivityLog"("entityType", "time");

-- AddForeignKey
ALTER TABLE "Tool" ADD CONSTRAINT "Tool_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consumer" ADD CONSTRAINT "Consumer_ownerUserId_fkey" FOREIGN KEY ("ownerUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsumerGroupMember" ADD CONSTRAINT "ConsumerGroupMember_consumerId_fkey" FOREIGN KEY ("consumerId") REFERENCES "Consumer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsumerGroupMember" ADD CONSTRAINT "ConsumerGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ConsumerGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_consumerId_fkey" FOREIGN KEY ("consumerId") REFERENCES "Consumer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AclGroupRule" ADD CONSTRAINT "AclGroupRule_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AclGroupRule" ADD CONSTRAINT "AclGroupRule_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ConsumerGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AclConsumerRule" ADD CONSTRAINT "AclConsumerRule_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AclConsumerRule" ADD CONSTRAINT "AclConsumerRule_consumerId_fkey" FOREIGN KEY ("consumerId") REFERENCES "Consumer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AclOthersRule" ADD CONSTRAINT "AclOthersRule_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConfigVersion" ADD CONSTRAINT "ConfigVersion_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataPlane" ADD CONSTRAINT "DataPlane_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_dataPlaneId_fkey" FOREIGN KEY ("dataPlaneId") REFERENCES "DataPlane"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityLog" ADD CONSTRAINT "ActivityLog_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
