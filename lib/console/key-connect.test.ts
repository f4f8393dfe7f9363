import { describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { publishConfigVersion } from "../controlplane/versions";
import { keyConnectTargets } from "./key-connect";

const ctx = useConsoleDatabase();

describe("keyConnectTargets", () => {
  it("lists the passthrough routes on which the consumer may call a tool, as the gateways' configuration says", async () => {
    const group = await ctx.db.consumerGroup.create({ data: { name: "devs" } });
    const server = (name: string, authMode: "passthrough" | "token_swap", authSettings: object) =>
      ctx.db.mcpServer.create({ data: { name, path: `/${name}`, upstreamUrl: "https://u.example/mcp", authMode, authSettings } });
    const open = await server("open", "passthrough", { key_header: "x-key" });
    const closed = await server("closed", "passthrough", { key_header: "apikey" });
    const swap = await server("swap", "token_swap", { issuer: "https://idp.example", jwks: { uri: "https://idp.example/jwks" }, audience: "https://gw.example/swap" });
    await ctx.db.aclGroupRule.create({ data: { serverId: open.id, toolName: "*", groupId: group.id, effect: "allow" } });
    for (const { id } of [open, closed, swap]) await ctx.db.aclOthersRule.create({ data: { serverId: id, toolName: "*", effect: "deny" } });
    await ctx.db.aclGroupRule.create({ data: { serverId: swap.id, toolName: "*", groupId: group.id, effect: "allow" } });
    await ctx.db.consumer.create({ data: { username: "agent", groups: { create: [{ groupId: group.id }] } } });
    await ctx.db.consumer.create({ data: { username: "outsider" } });
    await ctx.db.consumer.create({ data: { username: "unpublished" } });
    await publishConfigVersion(ctx.db, { reason: "test" });
    await ctx.db.consumer.update({ where: { username: "unpublished" }, data: { disabledAt: new Date() } });
    await publishConfigVersion(ctx.db, { reason: "test" });

    const targets = await keyConnectTargets(["agent", "outsider", "unpublished"], ctx.db);
    expect(targets.get("agent")).toEqual([{ server: "open", url: "http://localhost:8000/open", keyHeader: "x-key" }]);
    expect(targets.get("outsider")).toEqual([]);
    expect(targets.get("unpublished")).toEqual([]);
  });
});
