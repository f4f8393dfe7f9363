import { describe, expect, it } from "vitest";
import { collectReferenceUses, describeUse, usesOfSecret } from "./reference-uses";

describe("vault references in use", () => {
  const servers = [
    {
      id: "s1",
      name: "github",
      upstreamHeaders: { "X-Api-Key": "{vault://portcullis/github-key}", "X-Plain": "no reference here" },
      authSettings: { mode: "passthrough", key_header: "apikey" },
    },
    {
      id: "s2",
      name: "konnect",
      upstreamHeaders: { Authorization: "Bearer {vault://env/KONNECT_TOKEN}" },
      authSettings: { introspection: { client_secret: "{vault://portcullis/idp-secret}" }, scopes: ["{vault://hcv/kv/idp/extra}"] },
    },
    { id: "s3", name: "both", upstreamHeaders: { A: "{vault://portcullis/github-key/field}", B: "{vault://portcullis/github-key}" }, authSettings: {} },
  ];
  const backends = [{ id: "b1", kind: "hcv", settings: { address: "https://vault", token: "{vault://env/VAULT_TOKEN}" } }];

  it("lists each reference once, sorted, with every place it is used", () => {
    const references = collectReferenceUses(servers, backends);
    expect(references.map((r) => r.raw)).toEqual([
      "{vault://env/KONNECT_TOKEN}",
      "{vault://env/VAULT_TOKEN}",
      "{vault://hcv/kv/idp/extra}",
      "{vault://portcullis/github-key/field}",
      "{vault://portcullis/github-key}",
      "{vault://portcullis/idp-secret}",
    ]);
    expect(references.find((r) => r.raw === "{vault://portcullis/github-key}")!.uses).toEqual([
      { kind: "server", id: "s1", name: "github", place: "upstream header X-Api-Key" },
      { kind: "server", id: "s3", name: "both", place: "upstream header B" },
    ]);
    expect(references.find((r) => r.raw === "{vault://hcv/kv/idp/extra}")).toMatchObject({ backend: "hcv", key: "kv/idp", field: "extra" });
    expect(references.find((r) => r.raw === "{vault://env/VAULT_TOKEN}")!.uses).toEqual([{ kind: "vault_backend", id: "b1", name: "hcv", place: "token" }]);
  });

  it("finds the uses of a built-in secret, fields included, and describes them for people", () => {
    const uses = usesOfSecret(collectReferenceUses(servers, backends), "github-key");
    expect(uses.map(describeUse)).toEqual(["server both (upstream header A)", "server github (upstream header X-Api-Key)", "server both (upstream header B)"]);
    expect(usesOfSecret(collectReferenceUses(servers), "idp-secret").map(describeUse)).toEqual(["server konnect (auth introspection.client_secret)"]);
    expect(usesOfSecret(collectReferenceUses(servers), "unused")).toEqual([]);
  });
});
