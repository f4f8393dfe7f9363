-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "configVersion" INTEGER;
