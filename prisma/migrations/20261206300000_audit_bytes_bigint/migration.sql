-- AlterTable: a response of more than 2 GiB (a long SSE stream) overflowed the integer byte counts
-- and failed the whole batch of audit events it came in.
ALTER TABLE "AuditEvent" ALTER COLUMN "bytesIn" SET DATA TYPE BIGINT,
ALTER COLUMN "bytesOut" SET DATA TYPE BIGINT;
