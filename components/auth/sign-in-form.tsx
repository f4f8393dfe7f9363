"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Wrong email or password.",
  RateLimited: "Too many failed attempts. Wait a few minutes, then try again.",
  SsoNoRole: "Your single sign-on account is in no group that has a Portcullis role. Ask an admin to add you.",
  SsoNoEmail: "The identity provider did not share your email address, so Portcullis cannot tell who you are.",
  SsoEmailUnverified: "The identity provider has not verified your email address.",
  SsoNoSubject: "The identity provider did not say which of its accounts signed in, so Portcullis cannot tell who you are.",
  SsoEmailUnconfirmed:
    "A Portcullis account has your email address, but the identity provider does not say it verified that address, so Portcullis will not link your sign-in to it. Ask an admin.",
  SsoOtherIdentity: "The Portcullis account with your email address is linked to a different account at the identity provider. Ask an admin.",
  SsoDisabled: "Your Portcullis account is disabled. Ask an admin to enable it.",
  OAuthSignin: "Single sign-on could not start. Try again; if it keeps failing, the identity provider may be unreachable.",
  OAuthCallback: "Single sign-on did not complete. Try again.",
  Callback: "Single sign-on did not complete. Try again.",
  AccessDenied: "Access denied.",
};

export function messageForSignInError(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return MESSAGES[code] ?? "Sign-in failed. Try again.";
}

export function SignInForm({ callbackUrl, sso, initialError }: { callbackUrl: string; sso?: { id: string; name: string }; initialError?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | undefined>(messageForSignInError(initialError));
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (result?.ok && !result.error) {
      router.replace(callbackUrl);
      router.refresh();
      return;
    }
    setError(messageForSignInError(result?.error ?? "unknown"));
  }

  return (
    <div className="space-y-4">
      {sso ? (
        <>
          <Button type="button" variant="secondary" className="w-full" onClick={() => void signIn(sso.id, { callbackUrl })}>
            Sign in with {sso.name}
          </Button>
          <div className="flex items-center gap-3 text-xs text-zinc-500">
            <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
            or with a password
            <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
          </div>
        </>
      ) : null}
      <form onSubmit={(event) => void onSubmit(event)} className="space-y-4" noValidate>
        <Field id="email" name="email" type="email" label="Email" autoComplete="username" required />
        <Field id="password" name="password" type="password" label="Password" autoComplete="current-password" required />
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </div>
  );
}
