// A connection's tokens at rest: sealed with the master key and bound to the
// connection's id and the token's role, so a ciphertext moved to another
// connection (or a refresh token swapped into the access token's column)
// does not decrypt.
import { decryptSecret, encryptSecret } from "../../core/vault/secret-box";
import { consoleMasterKey } from "../vault/master-key";

type Role = "access" | "refresh";
const sealName = (connectionId: string, role: Role) => `upstream-connection/${connectionId}/${role}`;

export const sealToken = (connectionId: string, role: Role, value: string) => encryptSecret(consoleMasterKey(), sealName(connectionId, role), value);
export const openToken = (connectionId: string, role: Role, sealed: string) => decryptSecret(consoleMasterKey(), sealName(connectionId, role), sealed);
