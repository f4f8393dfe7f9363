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

-- Clients registered before this table existed: listed as dynamically registered, active as they were.
INSERT INTO "OAuthClient" ("clientId", "origin", "name", "redirectUris", "status")
SELECT "id", 'registration', "payload"->>'client_name', ARRAY(SELECT jsonb_array_elements_text(COALESCE("payload"->'redirect_uris', '[]'::jsonb))), 'active'
FROM "OAuthRecord"
WHERE "model" = 'Client'
ON CONFLICT ("clientId") DO NOTHING;
