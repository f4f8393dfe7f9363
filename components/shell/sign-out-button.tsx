"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { api } from "@/lib/client/api";

export function SignOutButton() {
  return (
    <button onClick={() => void signOut({ callbackUrl: "/signin" })} className="text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-white">
      Sign out
    </button>
  );
}

/** Ends every console session of the signed-in user (other devices too), then this one. */
export function SignOutEverywhereButton() {
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);
  const run = async () => {
    if (!window.confirm("Sign out of the console on every device, this one included?")) return;
    setPending(true);
    setFailed(false);
    try {
      await api("/api/me/sessions", { method: "DELETE" });
      await signOut({ callbackUrl: "/signin" });
    } catch {
      setFailed(true);
      setPending(false);
    }
  };
  return (
    <>
      <button onClick={() => void run()} disabled={pending} className="block text-xs text-zinc-500 hover:text-zinc-900 disabled:opacity-50 dark:hover:text-white">
        Sign out everywhere
      </button>
      {failed ? (
        <p role="alert" className="text-xs text-red-600">
          That failed; try again.
        </p>
      ) : null}
    </>
  );
}
