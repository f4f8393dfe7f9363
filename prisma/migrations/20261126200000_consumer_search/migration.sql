-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Consumer_username_idx" ON "Consumer" USING GIN ("username" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Consumer_customId_idx" ON "Consumer" USING GIN ("customId" gin_trgm_ops);
