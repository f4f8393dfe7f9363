// next-auth's endpoints (sign-in, callbacks, session, sign-out). A Pages Router
// API route rather than an App Router handler because it sees Node's request,
// and so the socket's address, which the sign-in throttles count by
// (lib/auth/client-address.ts): it is written into a header of our own here,
// over any value the client sent, for the credentials provider to read.
import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth from "next-auth";
import { CLIENT_ADDRESS_HEADER, requestClientAddress } from "../../../lib/auth/client-address";
import { authOptions } from "../../../lib/auth/options";

export default async function auth(req: NextApiRequest, res: NextApiResponse) {
  req.headers[CLIENT_ADDRESS_HEADER] = requestClientAddress(req.socket.remoteAddress, req.headers);
  await NextAuth(req, res, authOptions);
}
