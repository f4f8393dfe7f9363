import type { ReactNode } from "react";
import { Button } from "./button";
import { FormError } from "./form-error";

/**
 * The foot of every form and confirmation: the server's message, if any, then
 * Cancel and the action. Without `onSubmit` the action submits its form.
 */
export function FormActions({
  message,
  onCancel,
  label,
  disabled = false,
  danger = false,
  onSubmit,
}: {
  message?: string;
  onCancel: () => void;
  label: ReactNode;
  disabled?: boolean;
  danger?: boolean;
  onSubmit?: () => void;
}) {
  return (
    <>
      <FormError message={message} />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type={onSubmit ? "button" : "submit"} variant={danger ? "danger" : "primary"} disabled={disabled} onClick={onSubmit}>
          {label}
        </Button>
      </div>
    </>
  );
}
