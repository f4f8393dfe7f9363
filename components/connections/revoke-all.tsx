"use client";
// An admin revokes every user's connection to one server (after rotating the upstream application, say).
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { Button } from "../ui/button";
import { FormError } from "../ui/form-error";

export function RevokeAll({ serverId }: { serverId: string }) {
  const revoke = useFormMutation({ send: () => api(`/api/servers/${serverId}/connections`, { method: "DELETE" }) });
  return (
    <div className="flex items-center gap-2">
      <FormError message={revoke.message} />
      <Button size="sm" variant="danger" disabled={revoke.pending} onClick={() => revoke.submit(undefined)}>
        Revoke all
      </Button>
    </div>
  );
}
