import type { ReactNode } from "react";
import { requirePageRole } from "@/lib/auth/session";

// Checked here, above this segment's loading boundary, so a refusal is sent as HTTP 403 before anything streams.
export default async function AdminOnlyLayout({ children }: { children: ReactNode }) {
  await requirePageRole(["admin"]);
  return children;
}
