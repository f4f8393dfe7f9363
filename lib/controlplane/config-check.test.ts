import { afterEach, describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import type { GatewayConfigInput } from "../core/config/schema";
import { ConsoleError } from "../console/errors";
import { serverInputSchema } from "../console/schemas/server";
import { createServer } from "../console/servers";
import { configWrite, refusalFor } from "./config-check";

const ctx = useConsoleDatabase();

const document: GatewayConfigInput = {
  version: 1,
  consumers: [{ username: "carol" }],
  servers: [
    { name: "github", path: "/github", upstream: "https://u.example", auth: { mode: "passthrough" } },
    { name: "konnect", path: "/konnect", upstream: "https://u.example", auth: { mode: "token_swap", issuer: "https://idp.example", jwks: { uri: "https://idp.example/jwks" } } },
  ],
};

const swap = (name: string) =>
  serverInputSchema.parse({
    name,
    path: `/${name}`,
    upstream: "https://u.example",
    auth: { mode: "token_swap", issuer: "https://idp.example", jwks: { uri: "https://idp.example/jwks" } },
  });

async function refusal(promise: Promise<unknown>): Promise<ConsoleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConsoleError);
  return error as ConsoleError;
}

describe("refusalFor: the gateways' problems as the console says them", () => {
  it("puts the edited server's problems on its form fields", () => {
    const error = refusalFor(document, [{ path: ["servers", 1, "auth", "audience"], message: "set an audience" }], { server: "konnect" });
    expect(error.toBody()).toEqual({ error: { code: "invalid", message: "Some fields need attention.", fields: { "auth.audience": "set an audience" } } });
  });

  it("names the server, consumer or group of any other problem", () => {
    const error = refusalFor(
      document,
      [
        { path: ["servers", 1, "auth", "unknown_consumer"], message: '"ghost" is not a consumer' },
        { path: ["consumers", 0, "keys", 0, "hash"], message: "expected sha256" },
        { path: ["vault", "hcv", "address"], message: "expected an http(s) URL" },
      ],
      { server: "github" },
    );
    expect(error.status).toBe(400);
    expect(error.fields).toBeUndefined();
    expect(error.message).toBe(
      'The gateways would refuse the configuration this change produces, so nothing was saved. server "konnect", auth.unknown_consumer: "ghost" is not a consumer; consumer "carol", keys[0].hash: expected sha256; vault.hcv.address: expected an http(s) URL',
    );
  });
});

describe("configWrite", () => {
  const publicUrl = process.env.PORTCULLIS_PUBLIC_URL;
  afterEach(() => {
    if (publicUrl === undefined) delete process.env.PORTCULLIS_PUBLIC_URL;
    else process.env.PORTCULLIS_PUBLIC_URL = publicUrl;
  });

  it("rolls the whole write back when its result would be refused", async () => {
    const error = await refusal(
      configWrite(async (tx) => {
        await tx.consumerGroup.create({ data: { name: "written-first" } });
        await tx.mcpServer.create({
          data: {
            name: "bad",
            path: "/bad",
            upstreamUrl: "https://u.example",
            authMode: "passthrough",
            authSettings: {},
            upstreamHeaders: { Authorization: "Bearer {vault://env/X}" },
          },
        });
      }),
    );
    expect(error.message).toContain('server "bad", upstream_headers.Authorization: Authorization carries a credential');
    expect(await ctx.db.consumerGroup.count({ where: { name: "written-first" } })).toBe(0);
    expect(await ctx.db.mcpServer.count({ where: { name: "bad" } })).toBe(0);
  });

  it("checks as the bundled gateway would: with the console's PORTCULLIS_PUBLIC_URL a token-swap route needs no audience", async () => {
    const admin = await ctx.user();
    delete process.env.PORTCULLIS_PUBLIC_URL;
    expect((await refusal(createServer(admin, swap("no-url")))).fields).toEqual({ "auth.audience": expect.stringContaining("set an audience") });
    process.env.PORTCULLIS_PUBLIC_URL = "https://gateway.example.com";
    await createServer(admin, swap("with-url"));
    expect(await ctx.db.mcpServer.count({ where: { name: { in: ["no-url", "with-url"] } } })).toBe(1);
  });
});
