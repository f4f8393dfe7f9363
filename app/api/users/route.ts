import { NextResponse } from "next/server";
import { route } from "@/lib/console/route";
import { userCreateSchema } from "@/lib/console/schemas/user";
import { createUser, listUsers } from "@/lib/console/users";

export const GET = route({ roles: ["admin"] }, async () => ({ users: await listUsers() }));

// May carry a generated password, shown once.
export const POST = route({ roles: ["admin"], body: userCreateSchema }, async ({ user, body }) =>
  NextResponse.json(await createUser(user, body), { headers: { "cache-control": "no-store" } }),
);
