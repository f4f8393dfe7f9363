"use client";
// The secret a user pastes once for an upstream without OAuth (a personal access token); sent once, never shown again.
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { useHydrated } from "@/lib/client/use-hydrated";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";

export function StaticSecretForm({ server }: { server: string }) {
  // Until the script runs, a click would submit the form natively; the secret must never go into a URL.
  const hydrated = useHydrated();
  const save = useFormMutation({
    send: (secret: string) => api("/api/connections/static", { method: "POST", body: { server, secret } }),
    onDone: () => window.location.assign(`/connections?connected=${encodeURIComponent(server)}`),
  });
  return (
    <form
      method="post"
      className="max-w-md space-y-3"
      onChange={save.onChange}
      onSubmit={(event) => {
        event.preventDefault();
        save.submit(String(new FormData(event.currentTarget).get("secret") ?? ""));
      }}
    >
      <Field id="secret" name="secret" type="password" autoComplete="off" label="Your token or secret for the upstream" error={save.fields.secret} required />
      <FormError message={save.message} />
      <Button type="submit" disabled={save.pending || !hydrated}>
        Connect
      </Button>
    </form>
  );
}
