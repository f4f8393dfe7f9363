import { NextResponse } from "next/server";
import { route } from "@/lib/console/route";
import { passwordResetSchema } from "@/lib/console/schemas/user";
import { resetPassword } from "@/lib/console/users";

export const POST = route({ roles: ["admin"], body: passwordResetSchema }, async ({ user, body, params }) =>
  NextResponse.json(await resetPassword(user, params.id!, body), { headers: { "cache-control": "no-store" } }),
);
