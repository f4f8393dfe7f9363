import type { ServerSettings } from "@/lib/console/schemas/server";
import { Badge } from "../ui/badge";

export const AUTH_MODE_LABEL: Record<ServerSettings["auth"]["mode"], string> = {
  passthrough: "Passthrough",
  token_swap: "Token swap",
  sign_in: "Sign in with Portcullis",
};

export function AuthModeBadge({ mode }: { mode: ServerSettings["auth"]["mode"] }) {
  return <Badge tone={mode === "passthrough" ? "neutral" : mode === "sign_in" ? "green" : "indigo"}>{AUTH_MODE_LABEL[mode]}</Badge>;
}
