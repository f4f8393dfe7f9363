import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pickField, resolveBuiltInReference } from "./built-in-vault";
import { parseVaultReference } from "./reference";
import { encryptSecret } from "./secret-box";

const KEY = randomBytes(32);
const ref = (text: string) => parseVaultReference(text)!;
const sealed = (name: string, value: string) => encryptSecret(KEY, name, value);

describe("resolveBuiltInReference: decrypt, then the field", () => {
  it.each([
    ["{vault://portcullis/plain}", "plain", "s3cret", "s3cret"],
    ["{vault://portcullis/konnect}", "konnect", '{"token":"abc"}', '{"token":"abc"}'],
    ["{vault://portcullis/konnect/token}", "konnect", '{"token":"abc","region":"eu"}', "abc"],
    ["{vault://portcullis/konnect/region}", "konnect", '{"token":"abc","region":"eu"}', "eu"],
  ])("%s of %s = %j gives %j", (text, name, value, expected) => {
    expect(resolveBuiltInReference(ref(text), sealed(name, value), () => KEY)).toBe(expected);
  });

  it.each([
    ["{vault://portcullis/konnect/secret}", '{"token":"abc"}', "{vault://portcullis/konnect/secret}: no string field 'secret'"],
    ["{vault://portcullis/konnect/token}", "not json", "{vault://portcullis/konnect/token}: the value is not a JSON object, so it has no field 'token'"],
  ])("%s of %j is refused, naming the reference and never the value", (text, value, message) => {
    expect(() => resolveBuiltInReference(ref(text), sealed("konnect", value), () => KEY)).toThrow(message);
  });

  it("refuses a missing secret without loading the master key, and a value sealed under another key or name", () => {
    const unreachable = () => {
      throw new Error("the master key was loaded");
    };
    expect(() => resolveBuiltInReference(ref("{vault://portcullis/gone}"), undefined, unreachable)).toThrow(
      "{vault://portcullis/gone}: no secret named 'gone' in the built-in vault",
    );
    expect(() => resolveBuiltInReference(ref("{vault://portcullis/a}"), encryptSecret(randomBytes(32), "a", "x"), () => KEY)).toThrow(
      'secret "a" cannot be decrypted with this master key',
    );
    expect(() => resolveBuiltInReference(ref("{vault://portcullis/a}"), sealed("b", "x"), () => KEY)).toThrow('secret "a" cannot be decrypted with this master key');
  });

  it("picks a field of a structured (KV) value as well as of JSON text; a single-key one needs none", () => {
    expect(pickField(ref("{vault://hcv/secret/app/token}"), { token: "t", user: "u" })).toBe("t");
    expect(pickField(ref("{vault://hcv/app}"), { token: "t" })).toBe("t");
    expect(() => pickField(ref("{vault://hcv/app}"), { token: "t", user: "u" })).toThrow("{vault://hcv/app} holds several values; name one as {vault://hcv/app/<field>}");
  });
});
