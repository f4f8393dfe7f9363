// Plays the browser through a sign-in with Portcullis, with plain HTTP
// requests: the console's authorization endpoint → its sign-in page → single
// sign-on at the IdP (its login form filled in with `idpLogin`) → back to the
// console's page → Allow → the upstream accounts to connect, each through its
// upstream's consent → the authorization resumes → the MCP client's redirect
// URI with the code. Cookies are kept per origin, as a browser keeps them per
// site. Used by demo:verify (the demo IdP's username and password) and the
// console's sign-in tests (the test IdP's who-and-which-groups form).
export interface SignInBrowser {
  /** From the authorization URL to the redirect URI (not fetched); throws on any other stop. */
  authorize(start: URL, redirectUri: string, decision?: "allow" | "deny"): Promise<URL>;
  /** Every URL the browser requested, in order (e.g. whether it passed an upstream's consent). */
  readonly visited: readonly URL[];
  /** What each of the console's consent pages it answered said, without markup. */
  readonly consentPages: readonly string[];
}

/** What a page says, without its markup. */
const fullText = (html: string) =>
  html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
const pageText = (html: string) => fullText(html).slice(0, 400);

/** `idpLogin`: the fields the IdP's login form (its first POST form) is submitted with. */
export function signInBrowser(consoleUrl: string, idpLogin: URLSearchParams): SignInBrowser {
  const visited: URL[] = [];
  const consentPages: string[] = [];
  const jars = new Map<string, Map<string, string>>();
  const jar = (url: URL) => {
    let cookies = jars.get(url.origin);
    if (!cookies) jars.set(url.origin, (cookies = new Map<string, string>()));
    return cookies;
  };

  async function request(url: URL, init: { method?: string; form?: URLSearchParams; json?: unknown } = {}) {
    visited.push(url);
    const cookies = jar(url);
    const headers: Record<string, string> = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
    if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
    if (init.json !== undefined) Object.assign(headers, { "content-type": "application/json", origin: url.origin });
    const response = await fetch(url, {
      method: init.method ?? (init.form || init.json !== undefined ? "POST" : "GET"),
      redirect: "manual",
      headers,
      body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const cut = pair!.indexOf("=");
      const value = pair!.slice(cut + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(header) || value === "") cookies.delete(pair!.slice(0, cut));
      else cookies.set(pair!.slice(0, cut), value);
    }
    return response;
  }

  /** Follows redirects from `url` until a page answers, or the redirect URI is reached. */
  async function follow(url: URL, redirectUri: string): Promise<{ url: URL; response?: Response }> {
    for (let hop = 0; hop < 20; hop++) {
      if (url.href.startsWith(redirectUri)) return { url };
      const response = await request(url);
      const location = response.headers.get("location");
      if (!location) return { url, response };
      url = new URL(location, url);
    }
    throw new Error("too many redirects");
  }

  async function signInWithSso(callbackPath: string, redirectUri: string) {
    const csrf = await request(new URL("/api/auth/csrf", consoleUrl));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const started = await request(new URL("/api/auth/signin/oidc", consoleUrl), { form: new URLSearchParams({ csrfToken, callbackUrl: callbackPath, json: "true" }) });
    const { url: idpStart } = (await started.json()) as { url: string };
    const login = await follow(new URL(idpStart), redirectUri);
    const action = /<form method="post" action="([^"]+)"/.exec((await login.response?.text()) ?? "")?.[1];
    if (!action) throw new Error(`no IdP login form at ${login.url.href}`);
    const posted = await request(new URL(action, login.url), { form: idpLogin });
    const signedIn = posted.headers.get("location");
    if (!signedIn) throw new Error(`the IdP refused the sign-in with HTTP ${posted.status}: ${pageText(await posted.text())}`);
    return follow(new URL(signedIn, login.url), redirectUri);
  }

  return {
    visited,
    consentPages,
    async authorize(start, redirectUri, decision = "allow") {
      let stop = await follow(start, redirectUri);
      if (stop.response && stop.url.pathname === "/signin") stop = await signInWithSso(stop.url.searchParams.get("callbackUrl")!, redirectUri);
      const { url, response } = stop;
      if (!response) return url;
      const uid = /^\/oauth\/sign-in\/([^/?]+)$/.exec(url.pathname)?.[1];
      if (!uid || response.status !== 200) throw new Error(`sign-in stopped at ${url.href} with HTTP ${response.status}: ${pageText(await response.text())}`);
      consentPages.push(fullText(await response.text()));
      const answered = await request(new URL(`/oauth/sign-in/${uid}/answer`, consoleUrl), { json: { decision } });
      const body = (await answered.json()) as { redirectTo?: string; error?: { message: string } };
      if (!body.redirectTo) throw new Error(`the consent was refused: ${body.error?.message ?? answered.status}`);
      const end = await follow(new URL(body.redirectTo, consoleUrl), redirectUri);
      if (end.response) throw new Error(`authorization stopped at ${end.url.href} with HTTP ${end.response.status}: ${pageText(await end.response.text())}`);
      return end.url;
    },
  };
}
