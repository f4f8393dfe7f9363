import { describe, expect, it } from "vitest";
import { duplicateConflict, violatedFields } from "./duplicate-field";

const adapterError = (constraint: unknown) => ({ code: "P2002", meta: { modelName: "X", driverAdapterError: { cause: { kind: "UniqueConstraintViolation", constraint } } } });

describe("violatedFields", () => {
  it.each([
    ["an adapter's index name", adapterError({ index: "ConsumerGroup_name_key" }), ["name"]],
    ["a compound index", adapterError({ index: "Tool_serverId_name_key" }), ["serverId", "name"]],
    ["a camel-case column", adapterError({ index: "Consumer_customId_key" }), ["customId"]],
    ["an adapter's field list", adapterError({ fields: ['"email"'] }), ["email"]],
    ["the engine's target", { code: "P2002", meta: { target: ["username"] } }, ["username"]],
    ["an index not named by Prisma", adapterError({ index: "custom_idx" }), []],
    ["no meta", { code: "P2002" }, []],
    ["not an object", undefined, []],
  ])("%s", (_, error, fields) => {
    expect(violatedFields(error)).toEqual(fields);
  });
});

describe("duplicateConflict", () => {
  it("puts the message on the field", () => {
    const error = duplicateConflict(adapterError({ index: "ConsumerGroup_name_key" }));
    expect([error.status, error.message, error.fields]).toEqual([409, "This name is already taken.", { name: "This name is already taken." }]);
  });

  it("says it generally when the field is unknown", () => {
    const error = duplicateConflict(adapterError({ index: "ApiKey_hash_key" }));
    expect([error.status, error.fields]).toEqual([409, undefined]);
  });
});
