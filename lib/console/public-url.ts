// The console's public address, for links and redirect URIs it hands out: NEXTAUTH_URL (which `npm start`
// always sets), else the origin the request came to.
export const consolePublicUrl = (origin: string): string => (process.env.NEXTAUTH_URL ?? origin).replace(/\/+$/, "");
