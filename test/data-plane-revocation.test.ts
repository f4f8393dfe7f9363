// A revoked data plane's config stream (app/api/dp/v1/config, served here in
// process against a real PostgreSQL and the console's LISTEN feed) ends at
// once and carries nothing published after the revocation — also when the
// revocation's notification never reaches this console process — and the old
// token is refused from then on.
import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "../app/api/dp/v1/config/route";
import type { CurrentUser } from "../lib/auth/session";
import { revokeDataPlane } from "../lib/console/data-planes";
import { CONFIG_EVENT } from "../lib/core/controlplane/protocol";
import { createDataPlane } from "../lib/controlplane/data-planes";
import { publishConfigVersion } from "../lib/controlplane/versions";
import { db, pool } from "../lib/db/client";
import { createTestDatabase, type TestDatabase } from "./support/database";

let database: TestDatabase;
let actor: CurrentUser;

const configRequest = (token: string) => new NextRequest("http://console.test/api/dp/v1/config", { headers: { authorization: `Bearer ${token}` } });

/** Reads a config stream in the background: the versions it carried, and whether (and when) it ended. */
function readStream(response: Response) {
  const versions: number[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  let endedAt: number | undefined;
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (block.includes(`event: ${CONFIG_EVENT}`)) versions.push((JSON.parse(block.split("\ndata: ")[1]!) as { version: number }).version);
      }
    }
    endedAt = performance.now();
  })();
  return {
    versions,
    get endedAt() {
      return endedAt;
    },
    /** Resolves true when the stream ended within `ms`, false otherwise (and stops reading). */
    async endsWithin(ms: number): Promise<boolean> {
      const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), ms));
      const result = await Promise.race([ended.then(() => true as const), timer]);
      if (!result) await reader.cancel();
      return result;
    },
  };
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A new configuration version (a consumer more), published as a console write does. */
async function publishNewVersion(): Promise<number> {
  await db().consumer.create({ data: { username: `c-${randomBytes(4).toString("hex")}` } });
  const published = await publishConfigVersion(db(), { reason: "test: a change after the revocation" });
  expect(published.created).toBe(true);
  return published.number;
}

beforeAll(async () => {
  database = await createTestDatabase();
  // The console's db() and its LISTEN feed open DATABASE_URL on first use.
  process.env.DATABASE_URL = database.url;
  process.env.PORTCULLIS_MASTER_KEY ??= randomBytes(32).toString("hex");
  const user = await db().user.create({ data: { email: "admin@revocation.test", role: "admin" } });
  actor = { id: user.id, email: user.email, name: "", role: "admin" };
  await publishNewVersion();
});

afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database?.drop();
});

describe("a revoked data plane's config stream", () => {
  it("ends within a second of the revocation, receives no version published after it, and the old token gets 401", async () => {
    const plane = await createDataPlane(db(), `dp-${randomBytes(3).toString("hex")}`);
    const response = await GET(configRequest(plane.token));
    expect(response.status).toBe(200);
    const stream = readStream(response);
    const first = (await db().configVersion.findFirstOrThrow({ orderBy: { number: "desc" } })).number;
    await until(() => stream.versions.length > 0, 5_000);
    expect(stream.versions).toEqual([first]);

    const revoked = performance.now();
    await revokeDataPlane(actor, plane.id);
    const next = await publishNewVersion();
    // Well inside the 15 s keep-alive: the revocation's NOTIFY closes it.
    const ended = await stream.endsWithin(3_000);
    expect(stream.versions).not.toContain(next);
    expect(ended).toBe(true);
    console.log(`config stream closed ${(stream.endedAt! - revoked).toFixed(0)} ms after the revocation`);
    expect(stream.versions).toEqual([first]);

    const again = await GET(configRequest(plane.token));
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  });

  it("sends nothing published after a revocation whose notification never came (the row is read before each send)", async () => {
    const plane = await createDataPlane(db(), `dp-${randomBytes(3).toString("hex")}`);
    const stream = readStream(await GET(configRequest(plane.token)));
    await until(() => stream.versions.length > 0, 5_000);
    const before = [...stream.versions];
    expect(before).toHaveLength(1);

    // As another console process would leave it with this one's LISTEN connection down: the row alone.
    await db().dataPlane.update({ where: { id: plane.id }, data: { revokedAt: new Date() } });
    const next = await publishNewVersion();
    const ended = await stream.endsWithin(3_000);
    expect(stream.versions).not.toContain(next);
    expect(ended).toBe(true);
    expect(stream.versions).toEqual(before);
    expect((await GET(configRequest(plane.token))).status).toBe(401);
  });

  it("keeps a live plane's stream open and delivers the new version", async () => {
    const plane = await createDataPlane(db(), `dp-${randomBytes(3).toString("hex")}`);
    const stream = readStream(await GET(configRequest(plane.token)));
    await until(() => stream.versions.length > 0, 5_000);
    const next = await publishNewVersion();
    await until(() => stream.versions.includes(next), 3_000);
    expect(stream.versions.at(-1)).toBe(next);
    expect(await stream.endsWithin(200)).toBe(false);
  });
});
