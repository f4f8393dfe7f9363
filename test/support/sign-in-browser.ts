// The sign-in browser (demo/sign-in-browser.ts) at the test IdP
// (e2e/support/oidc-idp.ts), whose login form says who signs in and with which groups.
import { signInBrowser as browserWithLogin, type SignInBrowser } from "../../demo/sign-in-browser";

export interface IdpUser {
  email: string;
  name: string;
  groups: string[];
}

export function signInBrowser(consoleUrl: string, user: IdpUser): SignInBrowser {
  return browserWithLogin(consoleUrl, new URLSearchParams({ email: user.email, name: user.name, groups: user.groups.join(","), emailVerified: "true" }));
}
