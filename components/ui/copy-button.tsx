"use client";
import { useState } from "react";
import { Button } from "./button";

/** Copies `value` to the clipboard and says so. */
export function CopyButton({
  value,
  label = "Copy",
  variant = "secondary",
  size = "md",
}: {
  value: string;
  label?: string;
  variant?: "secondary" | "ghost" | "primary";
  size?: "md" | "sm";
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2000);
  }
  return (
    <Button type="button" variant={variant} size={size} onClick={() => void copy()} aria-live="polite">
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed — select and copy" : label}
    </Button>
  );
}
