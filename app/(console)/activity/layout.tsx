import type { ReactNode } from "react";
import { requirePageRole } from "@/lib/auth/session";

// The role check runs here, outside this segment's loading boundary, so a refusal is still sent
// as HTTP 403: once a page streams behind loading.tsx, its status is already 200.
export default async function AdminOnlyLayout({ children }: { children: ReactNode }) {
  await requirePageRole(["admin"]);
  return children;
}
