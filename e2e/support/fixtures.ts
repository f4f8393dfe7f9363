// Playwright fixtures: the running product's URLs, a database handle for
// arranging data, and a page signed in with a given role.
import { test as base, expect, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { hashPassword } from "../../lib/auth/password";
import type pg from "pg";
import { createDb, createPool, type Db } from "../../lib/db/client";
import type { Role } from "../../lib/auth/roles";

export interface Account {
  email: string;
  password: string;
}

export async function signIn(page: Page, account: Account): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
}

export const test = base.extend<{ pool: pg.Pool; db: Db; admin: Account; createUser: (role: Role) => Promise<Account> }, object>({
  baseURL: async ({}, use) => use(process.env.E2E_BASE_URL),
  pool: async ({}, use) => {
    const pool = createPool(process.env.E2E_DATABASE_URL!);
    await use(pool);
    await pool.end();
  },
  db: async ({ pool }, use) => {
    const db = createDb(pool);
    await use(db);
    await db.$disconnect();
  },
  admin: async ({}, use) => use({ email: process.env.E2E_ADMIN_EMAIL!, password: process.env.E2E_ADMIN_PASSWORD! }),
  createUser: async ({ db }, use) => {
    await use(async (role) => {
      const account = { email: `${role}-${randomBytes(4).toString("hex")}@e2e.test`, password: randomBytes(12).toString("base64url") };
      await db.user.create({ data: { email: account.email, role, passwordHash: await hashPassword(account.password) } });
      return account;
    });
  },
});

export { expect };
