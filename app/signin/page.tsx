import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeCallback } from "@/lib/auth/callback-url";
import { ssoButton } from "@/lib/auth/options";
import { currentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  if (await currentUser()) redirect(safeCallback(params.callbackUrl));
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="mx-auto mb-3 flex size-10 items-center justify-center rounded-lg bg-indigo-600 font-bold text-white">P</div>
          <h1 className="text-lg font-semibold">Sign in to Portcullis</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">The gateway between your AI agents and their MCP servers</p>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <SignInForm callbackUrl={safeCallback(params.callbackUrl)} sso={ssoButton} initialError={typeof params.error === "string" ? params.error : undefined} />
        </div>
      </div>
    </main>
  );
}
