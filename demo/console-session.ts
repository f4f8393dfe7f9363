// Drives the console's HTTP API as a signed-in user, the way a browser would:
// next-auth's credentials sign-in (CSRF token + cookie), then JSON requests
// with the session cookie and a same-origin Origin header. The demo seeds and
// checks the console with it; integration tests too.
export interface ConsoleSession {
  json<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A GET of any page or export, as text (e.g. a dashboard's HTML). */
  text(path: string): Promise<{ status: number; body: string }>;
  /** A GET not followed: where the console sends the browser (its Location), for redirect flows. */
  location(pathOrUrl: string): Promise<{ status: number; location: string | null }>;
  /** The session's Cookie header, for a request the helpers above do not make (another cookie beside it). */
  readonly cookie: string;
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
}

export async function signInToConsole(baseUrl: string, email: string, password: string): Promise<ConsoleSession> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = cookiesOf(csrf);
  const signIn = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  jar.push(...cookiesOf(signIn));
  if (!jar.some((c) => c.includes("session-token="))) throw new Error(`sign-in as ${email} failed (${signIn.status})`);
  const cookie = jar.join("; ");
  return {
    cookie,
    async json<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { cookie, origin: baseUrl, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async location(pathOrUrl: string) {
      const response = await fetch(new URL(pathOrUrl, baseUrl), { headers: { cookie }, redirect: "manual" });
      await response.body?.cancel();
      return { status: response.status, location: response.headers.get("location") };
    },
    async text(path: string) {
      const response = await fetch(`${baseUrl}${path}`, { headers: { cookie } });
      return { status: response.status, body: await response.text() };
    },
  };
}
