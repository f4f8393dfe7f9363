import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { ConsoleError } from "@/lib/console/errors";
import { OTHER_BROWSER, startedInThisBrowser } from "@/lib/oauth-server/interaction-cookie";
import { readSignInRequest, type SignInRequest } from "@/lib/oauth-server/sign-in";
import { SignInConsent } from "@/components/oauth/sign-in-consent";

/**
 * An MCP client's sign-in with Portcullis: the user signs in to the console, then allows or declines.
 * No loading.tsx: the redirect to the sign-in page must be an HTTP redirect, not one streamed after a skeleton.
 */
export default async function SignInWithPortcullisPage({ params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/oauth/sign-in/${uid}`)}`);
  let request: SignInRequest | undefined;
  let problem: string | undefined;
  try {
    if (!startedInThisBrowser(uid, await cookies())) throw new ConsoleError("forbidden", OTHER_BROWSER);
    request = await readSignInRequest(uid);
  } catch (error) {
    if (!(error instanceof ConsoleError)) throw error;
    problem = error.message;
  }
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md rounded-lg border border-zinc-200 bg-white p-6 dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-lg font-semibold">Sign in with Portcullis</h1>
        {request ? (
          <SignInConsent request={request} email={user.email} />
        ) : (
          <p className="mt-2 text-sm text-red-700 dark:text-red-300" role="alert">
            {problem}
          </p>
        )}
      </div>
    </main>
  );
}
