import { describe, expect, it } from "vitest";
import { withoutField } from "./use-form-mutation";

describe("withoutField", () => {
  const fields = { name: "taken", "auth.audience": "required", "auth.validate.jwks": "bad URL", "upstream_headers.Authorization": "carries a credential", "headers[0]": "x" };
  it.each([
    ["name", ["auth.audience", "auth.validate.jwks", "upstream_headers.Authorization", "headers[0]"]],
    ["auth", ["name", "upstream_headers.Authorization", "headers[0]"]],
    ["auth.validate", ["name", "auth.audience", "upstream_headers.Authorization", "headers[0]"]],
    ["upstream_headers.Authorization", ["name", "auth.audience", "auth.validate.jwks", "headers[0]"]],
    ["headers", ["name", "auth.audience", "auth.validate.jwks", "upstream_headers.Authorization"]],
    ["nam", Object.keys(fields)],
  ])("a change to %s leaves %j", (path, left) => {
    expect(Object.keys(withoutField(fields, path))).toEqual(left);
  });

  it("returns the same object when nothing was stale (no re-render)", () => {
    expect(withoutField(fields, "description")).toBe(fields);
  });
});
