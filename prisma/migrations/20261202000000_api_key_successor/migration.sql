-- A rolled key names the key that replaced it, so the console can show
-- "replaced by …" and refuse to roll it a second time.
-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "replacedById" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_replacedById_key" ON "ApiKey"("replacedById");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_replacedById_fkey" FOREIGN KEY ("replacedById") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;
