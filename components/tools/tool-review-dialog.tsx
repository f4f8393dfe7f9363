"use client";
// The shared shape of syncing and importing tools: a button opens a dialog
// whose form previews a tool list; the diff is reviewed and accepted (or the
// form is gone back to), and the page's server data is refreshed afterwards.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { api, ApiError } from "@/lib/client/api";
import type { ToolDefinition } from "@/lib/console/schemas/tools";
import type { ToolDiff } from "@/lib/console/tool-diff";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { ToolDiffReview } from "./tool-diff-review";

export type ToolPreview = { tools: ToolDefinition[]; diff: ToolDiff };

export function ToolReviewDialog({
  serverId,
  source,
  label,
  variant,
  titles,
  form,
  onAccepted,
}: {
  serverId: string;
  source: "sync" | "import";
  label: string;
  variant?: "primary" | "secondary";
  titles: { form: string; review: string };
  form: (onPreview: (preview: ToolPreview) => void) => ReactNode;
  onAccepted: (diff: ToolDiff) => void;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [preview, setPreview] = useState<ToolPreview>();
  const acceptance = useMutation({
    mutationFn: (tools: ToolDefinition[]) => api<{ diff: ToolDiff }>(`/api/servers/${serverId}/tools`, { method: "PUT", body: { source, tools } }),
    onSuccess: ({ diff }) => {
      router.refresh();
      close();
      onAccepted(diff);
    },
  });
  function close() {
    setOpen(false);
    setPreview(undefined);
    acceptance.reset();
  }
  const error = acceptance.error ? (acceptance.error instanceof ApiError ? acceptance.error.message : "Something went wrong.") : undefined;
  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Dialog open={open} onClose={close} title={preview ? titles.review : titles.form}>
        {preview ? (
          <ToolDiffReview diff={preview.diff} onBack={() => setPreview(undefined)} onAccept={() => acceptance.mutate(preview.tools)} pending={acceptance.isPending} error={error} />
        ) : (
          form(setPreview)
        )}
      </Dialog>
    </>
  );
}
