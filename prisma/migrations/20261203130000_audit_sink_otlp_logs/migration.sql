-- AlterEnum
ALTER TYPE "AuditSinkKind" ADD VALUE 'otlp_logs';

-- AlterTable
ALTER TABLE "AuditSink" ADD COLUMN     "otlpProtocol" TEXT;
