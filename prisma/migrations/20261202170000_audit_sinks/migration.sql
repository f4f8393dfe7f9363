-- CreateEnum
CREATE TYPE "AuditSinkKind" AS ENUM ('webhook', 'syslog');

-- CreateTable
CREATE TABLE "AuditSink" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AuditSinkKind" NOT NULL,
    "url" TEXT,
    "host" TEXT,
    "port" INTEGER,
    "tls" BOOLEAN NOT NULL DEFAULT false,
    "caPem" TEXT,
    "secretCiphertext" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,

    CONSTRAINT "AuditSink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditSink_name_key" ON "AuditSink"("name");
