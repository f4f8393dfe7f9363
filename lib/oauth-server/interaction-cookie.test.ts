import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";

// The reference: the signer of the `cookies` package oidc-provider (Koa) sets its cookies with.
const Keygrip = createRequire(import.meta.url)("keygrip") as (keys: string[]) => { sign(data: string): string };

let startedInThisBrowser: typeof import("./interaction-cookie").startedInThisBrowser;
let oauthCookieKey: typeof import("./interaction-cookie").oauthCookieKey;

beforeAll(async () => {
  process.env.PORTCULLIS_MASTER_KEY = randomBytes(32).toString("hex");
  ({ startedInThisBrowser, oauthCookieKey } = await import("./interaction-cookie"));
});

const jar = (entries: Record<string, string>) => ({ get: (name: string) => (name in entries ? { value: entries[name]! } : undefined) });

describe("startedInThisBrowser", () => {
  it("accepts the interaction cookie oidc-provider set for this uid, signed with the provider's key", () => {
    const sig = Keygrip([oauthCookieKey()]).sign("_interaction=uid-1");
    expect(startedInThisBrowser("uid-1", jar({ _interaction: "uid-1", "_interaction.sig": sig }))).toBe(true);
  });

  it.each([
    ["no cookie", {}],
    ["another sign-in's cookie", { _interaction: "uid-2", "_interaction.sig": Keygrip(["x"]).sign("_interaction=uid-2") }],
    ["an unsigned cookie", { _interaction: "uid-1" }],
    ["a signature with another key", { _interaction: "uid-1", "_interaction.sig": Keygrip(["another key"]).sign("_interaction=uid-1") }],
    ["a truncated signature", { _interaction: "uid-1", "_interaction.sig": "abc" }],
  ])("refuses %s", (_, cookies: Record<string, string>) => {
    expect(startedInThisBrowser("uid-1", jar(cookies))).toBe(false);
  });
});
