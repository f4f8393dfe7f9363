import { describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { compileConfig } from "../config/compile";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { consumerStatus, createConsumer, deleteConsumer, getConsumer, listConsumers, setConsumerDisabled, updateConsumer } from "./consumers";
import { ConsoleError } from "./errors";
import { consumerInputSchema, consumerListQuerySchema } from "./schemas/consumer";

const ctx = useConsoleDatabase();
const input = (value: Record<string, unknown>) => consumerInputSchema.parse(value);
const list = (query: Record<string, unknown>) => listConsumers(consumerListQuerySchema.parse(query));

async function rejection(promise: Promise<unknown>): Promise<ConsoleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConsoleError);
  return error as ConsoleError;
}

describe("consumers", () => {
  it("creates a consumer with groups, owner and custom id, and logs names rather than ids", async () => {
    const admin = await ctx.user("admin");
    const owner = await ctx.user("developer");
    const group = await ctx.db.consumerGroup.create({ data: { name: "ops" } });
    const created = await createConsumer(admin, input({ username: "ci-bot", customId: "00u1abc", ownerEmail: owner.email.toUpperCase(), groupIds: [group.id] }));

    const detail = await getConsumer(created.id);
    expect(detail).toMatchObject({ username: "ci-bot", customId: "00u1abc", owner: { email: owner.email }, groups: [{ name: "ops" }], keyCounts: { active: 0, total: 0 } });
    const log = await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: created.id } });
    expect(log).toMatchObject({
      action: "consumer.create",
      actorEmail: admin.email,
      after: { username: "ci-bot", customId: "00u1abc", owner: owner.email, groups: ["ops"], keys: 0 },
    });
  });

  it("explains unique and reference problems per field", async () => {
    const admin = await ctx.user();
    await createConsumer(admin, input({ username: "taken", customId: "sub-taken" }));
    const duplicate = await rejection(createConsumer(admin, input({ username: "taken", customId: "sub-taken" })));
    expect(duplicate.status).toBe(409);
    expect(duplicate.fields).toEqual({ username: "another consumer has this username", customId: "another consumer has this custom id" });

    const unknown = await rejection(createConsumer(admin, input({ username: "fresh", ownerEmail: "nobody@nowhere.test", groupIds: ["6a3c1b0e-0000-4000-8000-000000000000"] })));
    expect(unknown.status).toBe(400);
    expect(unknown.fields).toEqual({ ownerEmail: "no console user has this email", groupIds: "a selected group no longer exists; reload the page" });
  });

  it("the form schema treats empty fields as none and refuses spaces in a custom id", () => {
    expect(input({ username: "a", customId: "  ", ownerEmail: "" })).toEqual({ username: "a", customId: null, ownerEmail: null, groupIds: [] });
    expect(consumerInputSchema.safeParse({ username: "a", customId: "a b" }).error?.issues[0]).toMatchObject({ path: ["customId"], message: "no spaces" });
  });

  it("updates groups and owner, logging before and after", async () => {
    const admin = await ctx.user();
    const [a, b] = await Promise.all([ctx.db.consumerGroup.create({ data: { name: "grp-a" } }), ctx.db.consumerGroup.create({ data: { name: "grp-b" } })]);
    const consumer = await createConsumer(admin, input({ username: "mover", groupIds: [a.id] }));
    await updateConsumer(admin, consumer.id, input({ username: "mover-2", groupIds: [b.id], customId: "x-1" }));

    expect(await getConsumer(consumer.id)).toMatchObject({ username: "mover-2", customId: "x-1", groups: [{ name: "grp-b" }] });
    const log = await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: consumer.id, action: "consumer.update" } });
    expect(log.before).toMatchObject({ username: "mover", groups: ["grp-a"], customId: null });
    expect(log.after).toMatchObject({ username: "mover-2", groups: ["grp-b"], customId: "x-1" });
  });

  it("deletes a consumer with its keys and memberships", async () => {
    const admin = await ctx.user();
    const group = await ctx.db.consumerGroup.create({ data: { name: "doomed-group" } });
    const consumer = await createConsumer(admin, input({ username: "doomed", groupIds: [group.id] }));
    await ctx.db.apiKey.create({ data: { consumerId: consumer.id, name: "k", prefix: "pcs_abcd", hash: "sha256:doomed" } });
    await deleteConsumer(admin, consumer.id);
    expect(await getConsumer(consumer.id)).toBeUndefined();
    expect(await ctx.db.apiKey.count({ where: { consumerId: consumer.id } })).toBe(0);
    const log = await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: consumer.id, action: "consumer.delete" } });
    expect(log.before).toMatchObject({ username: "doomed", groups: ["doomed-group"], keys: 1 });
    expect((await rejection(deleteConsumer(admin, consumer.id))).status).toBe(404);
  });
});

describe("disabling a consumer", () => {
  const inConfig = async (username: string) => (compileConfig(await loadConfigSnapshot(ctx.db)).consumers ?? []).some((c) => c.username === username);

  it("takes it out of the gateways' configuration and says so; enabling brings it back; each change is logged once", async () => {
    const admin = await ctx.user("admin");
    const created = await createConsumer(admin, input({ username: "paused-bot" }));
    expect(await inConfig("paused-bot")).toBe(true);

    await setConsumerDisabled(admin, created.id, true);
    // Said twice, it is one change.
    await setConsumerDisabled(admin, created.id, true);
    expect(await inConfig("paused-bot")).toBe(false);
    expect(await getConsumer(created.id)).toMatchObject({ disabled: true, userDisabled: false });
    expect((await list({ q: "paused-bot" })).rows[0]).toMatchObject({ username: "paused-bot", disabled: true });
    expect(await consumerStatus("paused-bot")).toBe("disabled");

    await setConsumerDisabled(admin, created.id, false);
    expect(await inConfig("paused-bot")).toBe(true);
    expect(await consumerStatus("paused-bot")).toBe("enabled");
    const logged = await ctx.db.activityLog.findMany({ where: { entityId: created.id, action: { in: ["consumer.disable", "consumer.enable"] } }, orderBy: { time: "asc" } });
    expect(logged.map((l) => [l.action, l.after])).toEqual([
      ["consumer.disable", { disabled: true }],
      ["consumer.enable", { disabled: false }],
    ]);
  });

  it("of an unknown id is a 404", async () => {
    const admin = await ctx.user("admin");
    expect((await rejection(setConsumerDisabled(admin, "00000000-0000-4000-8000-000000000000", true))).code).toBe("not_found");
  });
});

describe("a consumer's sign-ins with Portcullis (oidc-provider grants, by the username they name)", () => {
  /** A grant for `accountId` with a refresh token of it, as oidc-provider stores them (lib/oauth-server/prisma-adapter.ts). */
  async function grantFor(accountId: string, id: string) {
    await ctx.db.oAuthRecord.create({ data: { model: "Grant", id, payload: { accountId, clientId: "https://client.example/cimd.json" } } });
    await ctx.db.oAuthRecord.create({ data: { model: "RefreshToken", id: `${id}-refresh`, grantId: id, payload: { accountId, grantId: id } } });
  }
  const records = async (id: string) => ctx.db.oAuthRecord.count({ where: { OR: [{ id }, { grantId: id }] } });

  it("are revoked with it when it is deleted, or renamed, so a later consumer of the same name inherits none", async () => {
    const admin = await ctx.user();
    const gone = await createConsumer(admin, input({ username: "leaver@example.com" }));
    const renamed = await createConsumer(admin, input({ username: "renamed@example.com" }));
    const kept = await createConsumer(admin, input({ username: "stayer@example.com" }));
    await grantFor("leaver@example.com", "g-leaver");
    await grantFor("renamed@example.com", "g-renamed");
    await grantFor("stayer@example.com", "g-stayer");

    await deleteConsumer(admin, gone.id);
    expect(await records("g-leaver")).toBe(0);
    expect((await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: gone.id, action: "consumer.delete" } })).after).toEqual({ revokedGrants: 1 });

    await updateConsumer(admin, renamed.id, input({ username: "new-name@example.com" }));
    expect(await records("g-renamed")).toBe(0);
    expect((await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: renamed.id, action: "consumer.update" } })).after).toMatchObject({ revokedGrants: 1 });

    await updateConsumer(admin, kept.id, input({ username: "stayer@example.com", customId: "c-1" }));
    expect(await records("g-stayer")).toBe(2);
  });
});

describe("listing consumers", () => {
  it("pages forwards and backwards by username, with search and group filter", async () => {
    const admin = await ctx.user();
    const team = await ctx.db.consumerGroup.create({ data: { name: "paging-team" } });
    const names = Array.from({ length: 7 }, (_, i) => `page-${String(i).padStart(2, "0")}`);
    for (const [i, username] of names.entries()) {
      await createConsumer(admin, input({ username, customId: `IDP-${i}`, groupIds: i % 2 === 0 ? [team.id] : [] }));
    }
    const first = await list({ q: "page-", limit: 3 });
    expect(first.rows.map((r) => r.username)).toEqual(names.slice(0, 3));
    expect(first).toMatchObject({ total: 7, after: "page-02" });
    expect(first.before).toBeUndefined();

    const second = await list({ q: "page-", limit: 3, after: first.after });
    expect(second.rows.map((r) => r.username)).toEqual(names.slice(3, 6));
    expect(second).toMatchObject({ after: "page-05", before: "page-03" });

    const third = await list({ q: "page-", limit: 3, after: second.after });
    expect(third.rows.map((r) => r.username)).toEqual(["page-06"]);
    expect(third.after).toBeUndefined();

    const back = await list({ q: "page-", limit: 3, before: third.before });
    expect(back.rows.map((r) => r.username)).toEqual(names.slice(3, 6));
    expect(back).toMatchObject({ after: "page-05", before: "page-03" });
    const start = await list({ q: "page-", limit: 3, before: back.before });
    expect(start.rows.map((r) => r.username)).toEqual(names.slice(0, 3));
    expect(start.before).toBeUndefined();

    // Search matches the custom id too, case-insensitively; the group filter narrows.
    expect((await list({ q: "idp-4" })).rows.map((r) => r.username)).toEqual(["page-04"]);
    const inTeam = await list({ q: "page-", group: team.id });
    expect(inTeam.rows.map((r) => r.username)).toEqual(["page-00", "page-02", "page-04", "page-06"]);
    expect(inTeam.rows[0]!.groups).toEqual([{ id: team.id, name: "paging-team" }]);
  });
});
