-- AlterTable: series written before count no throttled calls
ALTER TABLE "AuditSeries" ADD COLUMN "throttled" INTEGER NOT NULL DEFAULT 0;
