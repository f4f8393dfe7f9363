-- AlterTable: console sessions signed in before this moment are refused (a password reset, "sign out everywhere")
ALTER TABLE "User" ADD COLUMN "sessionsValidAfter" TIMESTAMP(3);
