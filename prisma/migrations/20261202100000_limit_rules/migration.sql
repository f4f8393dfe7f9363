-- CreateTable
CREATE TABLE "LimitRule" (
    "id" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "groupId" TEXT,
    "consumerId" TEXT,
    "toolName" TEXT NOT NULL DEFAULT '*',
    "perMinute" INTEGER,
    "perHour" INTEGER,
    "perDay" INTEGER,
    "concurrent" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LimitRule_pkey" PRIMARY KEY ("id"),
    -- a rule names a group, a consumer, or neither (everyone), never both
    CONSTRAINT "LimitRule_one_subject" CHECK ("groupId" IS NULL OR "consumerId" IS NULL)
);

-- CreateIndex
CREATE INDEX "LimitRule_serverId_idx" ON "LimitRule"("serverId");

-- CreateIndex
CREATE INDEX "LimitRule_consumerId_idx" ON "LimitRule"("consumerId");

-- CreateIndex
CREATE INDEX "LimitRule_groupId_idx" ON "LimitRule"("groupId");

-- AddForeignKey
ALTER TABLE "LimitRule" ADD CONSTRAINT "LimitRule_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LimitRule" ADD CONSTRAINT "LimitRule_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ConsumerGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LimitRule" ADD CONSTRAINT "LimitRule_consumerId_fkey" FOREIGN KEY ("consumerId") REFERENCES "Consumer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
