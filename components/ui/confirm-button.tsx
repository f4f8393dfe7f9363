"use client";
// A destructive action behind a confirmation dialog: the row's ghost button
// opens it, the dialog says what will happen, and the danger button sends the
// request; a refusal stays in the dialog beside the choice that caused it.
import { useState, type ReactNode } from "react";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { FormError } from "./form-error";

export function ConfirmButton({
  label,
  subject,
  confirmLabel,
  send,
  onDone,
  children,
}: {
  /** The row's button, e.g. "Delete"; its accessible name is `${label} ${subject}`, the dialog's title too. */
  label: string;
  subject: string;
  confirmLabel: string;
  send: () => Promise<unknown>;
  onDone?: () => void;
  /** What confirming does, in a sentence or two. */
  children: ReactNode;
}) {
  const [confirming, setConfirming] = useState(false);
  const form = useFormMutation({
    send,
    onDone: () => {
      setConfirming(false);
      onDone?.();
    },
  });
  const title = `${label} ${subject}`;
  return (
    <>
      <Button variant="ghost" onClick={() => setConfirming(true)} aria-label={title}>
        {label}
      </Button>
      <Dialog open={confirming} onClose={() => setConfirming(false)} title={title}>
        <p className="text-sm">{children}</p>
        <FormError message={form.message} />
        <div className="mt-4 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button variant="danger" disabled={form.pending} onClick={() => form.submit(undefined)}>
            {confirmLabel}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
