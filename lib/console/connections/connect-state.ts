// The OAuth `state` of a connect flow: sealed with the master key (AES-GCM,
// so the upstream and the browser can neither read the PKCE verifier in it nor
// change whom it is for). It binds the flow to the signed-in console user and
// the server — the callback refuses it for anyone else — and may carry the
// sign-in with Portcullis it interrupts, to resume it afterwards.
import { z } from "zod";
import { decryptSecret, encryptSecret } from "../../core/vault/secret-box";
import type { ConnectFailure } from "./connect-failure";

const SEAL_NAME = "upstream-connect-state";
export const CONNECT_STATE_TTL_MS = 10 * 60_000;

const stateSchema = z.strictObject({
  user: z.string(),
  server: z.string(),
  verifier: z.string(),
  /** The oidc-provider interaction to resume after connecting. */
  interaction: z.string().optional(),
  expires: z.number(),
});
export type ConnectState = z.infer<typeof stateSchema>;

export function sealConnectState(masterKey: Buffer, state: Omit<ConnectState, "expires">, now = Date.now()): string {
  return encryptSecret(masterKey, SEAL_NAME, JSON.stringify({ ...state, expires: now + CONNECT_STATE_TTL_MS }));
}

/** The state, or why it cannot be used (connect-failure.ts has the words). */
export function openConnectState(
  masterKey: Buffer,
  sealed: string,
  userId: string,
  now = Date.now(),
): ConnectState | { refused: Extract<ConnectFailure, "foreign_state" | "expired_state" | "other_user"> } {
  let state: ConnectState;
  try {
    state = stateSchema.parse(JSON.parse(decryptSecret(masterKey, SEAL_NAME, sealed)));
  } catch {
    return { refused: "foreign_state" };
  }
  if (state.expires < now) return { refused: "expired_state" };
  if (state.user !== userId) return { refused: "other_user" };
  return state;
}
