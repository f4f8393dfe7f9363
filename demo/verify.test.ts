// demo:verify's reading of where Sign in with Portcullis sends the browser back (RFC 9207: the authorization server names itself).
import { expect, it } from "vitest";
import { codeFrom } from "./verify";

const ISSUER = "http://localhost:3000/api/oauth";
const landed = (params: Record<string, string>) => new URL(`http://127.0.0.1/callback?${new URLSearchParams(params)}`);

it("takes the code when the issuer is Portcullis's own authorization server", () => {
  expect(codeFrom(landed({ code: "c1", iss: ISSUER, state: "s" }), ISSUER)).toBe("c1");
});

it("refuses a response from another issuer, an error with its description, and a response without a code", () => {
  expect(() => codeFrom(landed({ code: "c1", iss: "http://evil.example" }), ISSUER)).toThrow(`iss is http://evil.example, expected ${ISSUER}`);
  expect(() => codeFrom(landed({ code: "c1" }), ISSUER)).toThrow(`iss is null, expected ${ISSUER}`);
  expect(() => codeFrom(landed({ error: "access_denied", error_description: "the user said no", iss: ISSUER }), ISSUER)).toThrow(
    "authorization refused: access_denied (the user said no)",
  );
  expect(() => codeFrom(landed({ iss: ISSUER }), ISSUER)).toThrow("no code in http://127.0.0.1/callback?iss=");
});
