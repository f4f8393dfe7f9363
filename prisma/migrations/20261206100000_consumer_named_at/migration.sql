-- AlterTable: when a consumer took its username (made, or renamed to it); existing ones since they were made
ALTER TABLE "Consumer" ADD COLUMN     "namedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
UPDATE "Consumer" SET "namedAt" = "createdAt";
