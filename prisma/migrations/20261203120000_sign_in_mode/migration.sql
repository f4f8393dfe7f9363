-- AlterEnum
ALTER TYPE "AuthMode" ADD VALUE 'sign_in';
