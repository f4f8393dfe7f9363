import { describe, expect, it } from "vitest";
import { CONNECT_FAILURES, ConnectFailed, connectFailureMessage, upstreamRefusalMessage } from "./connect-failure";

describe("the upstream's refusal at its consent", () => {
  it.each([
    ["access_denied", "The upstream did not connect your account: access was declined at the upstream."],
    ["invalid_request", /: the upstream found the authorization request malformed; ask an admin/],
    ["unauthorized_client", /: the upstream does not let this application ask for access this way; ask an admin/],
    ["unsupported_response_type", /: the upstream does not hand this application authorization codes; ask an admin/],
    ["invalid_scope", /: the upstream refused the scopes the application asks for; ask an admin/],
    ["server_error", /: the upstream failed on its side; try again later\.$/],
    ["temporarily_unavailable", /: the upstream is busy or down for maintenance; try again later\.$/],
    // Not in RFC 6749 §4.1.2.1, but spelled like a code: shown as given.
    ["consent_required", 'The upstream did not connect your account (it answered "consent_required").'],
    ["x".repeat(64), `The upstream did not connect your account (it answered "${"x".repeat(64)}").`],
    // Anything else is words the sender chose: not shown.
    ["x".repeat(65), "The upstream did not connect your account."],
    ["Access_Denied", "The upstream did not connect your account."],
    ["access denied: call +1 555 0100 to restore your account", "The upstream did not connect your account."],
    ['<a href="https://evil.example">log in again</a>', "The upstream did not connect your account."],
    ["", "The upstream did not connect your account."],
    ["__proto__", 'The upstream did not connect your account (it answered "__proto__").'],
    ["constructor", 'The upstream did not connect your account (it answered "constructor").'],
    [undefined, "The upstream did not connect your account."],
  ])("error=%j reads %s", (error, words) => {
    expect(upstreamRefusalMessage(error)).toMatch(words);
  });
});

describe("what Connected accounts shows for its query", () => {
  it.each([
    [{ error: "upstream_refused", upstream_error: "access_denied" }, "The upstream did not connect your account: access was declined at the upstream."],
    [{ error: "upstream_refused", upstream_error: "Your account is locked" }, "The upstream did not connect your account."],
    [{ error: "upstream_refused" }, "The upstream did not connect your account."],
    [{ error: "other_user" }, CONNECT_FAILURES.other_user],
    [{ error: "code_refused" }, CONNECT_FAILURES.code_refused],
    [{ error: "failed" }, CONNECT_FAILURES.failed],
    // A crafted link: no text of the sender's reaches the page.
    [{ error: "Your account is locked: call +1 555 0100" }, "Connecting did not finish; start it again."],
    [{ error: "toString" }, "Connecting did not finish; start it again."],
    [{ upstream_error: "access_denied" }, "Connecting did not finish; start it again."],
  ])("%j reads %j", (query, words) => {
    expect(connectFailureMessage(query)).toBe(words);
  });

  it("is sent there as codes: the upstream's error only when it looks like one", () => {
    expect(new ConnectFailed("upstream_refused", "access_denied").query()).toBe("error=upstream_refused&upstream_error=access_denied");
    expect(new ConnectFailed("upstream_refused", "call +1 555 0100").query()).toBe("error=upstream_refused");
    expect(new ConnectFailed("expired_state").query()).toBe("error=expired_state");
  });
});
