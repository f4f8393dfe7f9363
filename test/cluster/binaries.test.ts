// A binary the suite needs and cannot find fails it with the install command.
import { describe, expect, it } from "vitest";
import { INSTALL_COMMAND, requireBinary } from "./support/binaries";

describe("requireBinary", () => {
  it("finds the system's redis-server and nginx", () => {
    expect(requireBinary("redis-server")).toMatch(/\/redis-server$/);
    expect(requireBinary("nginx")).toMatch(/\/nginx$/);
  });

  it("fails with the install command when a binary is missing", () => {
    expect(() => requireBinary("portcullis-no-such-binary")).toThrow(`portcullis-no-such-binary is not installed; the cluster suite needs it. Install with: ${INSTALL_COMMAND}`);
  });
});
