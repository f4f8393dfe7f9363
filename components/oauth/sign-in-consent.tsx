"use client";

import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { CLIENT_REFUSALS, type ClientOrigin } from "@/lib/oauth-server/client-status";
import type { SignInRequest } from "@/lib/oauth-server/sign-in";
import { Button } from "../ui/button";
import { FormError } from "../ui/form-error";

const ORIGIN: Record<ClientOrigin, string> = {
  metadata_document: "identified by its metadata document",
  registration: "registered itself",
  console: "registered by an admin",
};

/** Who asks, for which servers, as whom, and where the code goes (a self-chosen name proves nothing); Allow or Decline sends the browser back into the authorization. A client awaiting approval can only be declined. */
export function SignInConsent({ request, email }: { request: SignInRequest; email: string }) {
  const pending = request.client.status === "pending";
  const answer = useFormMutation({
    send: (decision: "allow" | "deny") => api<{ redirectTo: string }>(`/oauth/sign-in/${request.uid}/answer`, { method: "POST", body: { decision } }),
    onDone: ({ redirectTo }) => window.location.assign(redirectTo),
  });
  return (
    <div className="mt-3 space-y-4 text-sm">
      <p>
        <strong>{request.client.name ?? "An MCP client"}</strong> asks to use these MCP servers as you (<span className="font-mono">{email}</span>):
      </p>
      <ul className="list-disc pl-5">
        {request.resources.map((resource) => (
          <li key={resource.url}>
            {resource.server ?? <span className="text-red-700 dark:text-red-300">not a sign-in route</span>} <span className="font-mono text-xs text-zinc-500">{resource.url}</span>
          </li>
        ))}
      </ul>
      <p className="rounded-md border border-zinc-200 p-2 dark:border-zinc-700">
        If you allow, your browser takes the sign-in code to{" "}
        <strong className="font-mono break-all" data-testid="redirect-site">
          {request.redirect.site}
        </strong>
        {request.redirect.local ? " (an app on this computer)" : ""}. Only allow if that is where you expect to sign in.
      </p>
      {request.client.origin === "console" ? null : (
        <p className="rounded-md bg-amber-50 p-2 text-amber-900 dark:bg-amber-950 dark:text-amber-200" data-testid="self-named">
          {request.client.origin === "registration"
            ? "This client registered itself: its name is whatever the one who registered it chose, so it proves nothing"
            : "This client is named by its own metadata document: its name is whatever the document's owner chose, so it proves nothing"}
          {" — "}the code goes to <span className="font-mono">{request.redirect.site}</span>.
        </p>
      )}
      <p className="text-xs break-all text-zinc-500">
        Client {request.client.id} ({ORIGIN[request.client.origin]}), redirect URI {request.redirect.uri}
      </p>
      {pending ? (
        <p className="rounded-md bg-amber-50 p-2 text-amber-900 dark:bg-amber-950 dark:text-amber-200" role="status">
          {CLIENT_REFUSALS.pending}
        </p>
      ) : null}
      <FormError message={answer.message} />
      <div className="flex gap-2">
        {pending ? null : (
          <Button onClick={() => answer.submit("allow")} disabled={answer.pending}>
            Allow
          </Button>
        )}
        <Button variant="secondary" onClick={() => answer.submit("deny")} disabled={answer.pending}>
          Decline
        </Button>
      </div>
    </div>
  );
}
