-- CreateEnum
CREATE TYPE "OAuthClientOrigin" AS ENUM ('metadata_document', 'registration', 'console');

-- CreateEnum
CREATE TYPE "OAuthClientStatus" AS ENUM ('active', 'pending', 'blocked');

-- CreateTable
CREATE TABLE "OAuthClient" (
    "clientId" TEXT NOT NULL,
    "origin" "OAuthClientOrigin" NOT NULL,
    "name" TEXT,
    "redirectUris" TEXT[],
    "status" "OAuthClientStatus" NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "firstSignInAt" TIMESTAMP(3),
    "lastSignInAt" TIMESTAMP(3),

    CONSTRAINT "OAuthClient_pkey" PRIMARY KEY ("clientId")
);

-- CreateIndex
CREATE INDEX "OAuthClient_status_createdAt_idx" ON "OAuthClient"("status", "createdAt");
