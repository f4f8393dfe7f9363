"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { FormActions } from "../ui/form-actions";
import { plural } from "@/lib/client/plural";

/** Deleting a route cuts every agent off it: the admin types the server's name to confirm. */
export function DeleteServer({ id, name, url, tools }: { id: string; name: string; url: string; tools: number }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const form = useFormMutation({ send: () => api(`/api/servers/${id}`, { method: "DELETE" }), onDone: () => router.push("/servers") });
  const close = () => {
    setOpen(false);
    setTyped("");
    form.reset();
  };
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete server
      </Button>
      <Dialog open={open} onClose={close} title={`Delete ${name}`}>
        <div className="space-y-4 text-sm">
          <p>
            Agents using <code className="font-mono text-xs">{url}</code> lose access once the gateway applies the change. The server&apos;s {plural(tools, "tool")} and every
            access rule of its matrix are deleted too; the activity log keeps a copy of its settings.
          </p>
          <label className="block space-y-1">
            <span className="block font-medium">
              Type <strong className="font-mono">{name}</strong> to confirm
            </span>
            <input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              className="block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-red-600 dark:bg-zinc-900 dark:ring-zinc-700"
            />
          </label>
          <FormActions
            message={form.message}
            onCancel={close}
            label={form.pending ? "Deleting…" : "Delete this server"}
            disabled={typed !== name || form.pending}
            danger
            onSubmit={() => form.submit({})}
          />
        </div>
      </Dialog>
    </>
  );
}
