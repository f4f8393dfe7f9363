"use client";
import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button onClick={() => void signOut({ callbackUrl: "/signin" })} className="text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-white">
      Sign out
    </button>
  );
}
