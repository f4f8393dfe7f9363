// The one way a configuration document becomes live, for the file at start,
// SIGHUP, and (later) a push from the console: validate → compile → swap.
// A request takes the compiled config once, at its start, and keeps it; a
// document with problems changes nothing and reports every problem.
import { configHash } from "../../../lib/core/config/canonical";
import { parseConfig, type GatewayConfig } from "../../../lib/core/config/schema";
import { compileConfig, type CompiledConfig } from "./compile";

export type ApplyResult = { ok: true; version: number; hash: string } | { ok: false; problems: string[] };

export interface ConfigState {
  version: number;
  hash: string;
  source: string;
  loadedAt: string;
}

/**
 * What only the gateway can check: a token_swap route's audience must not come
 * from the request's Host header (a caller could then choose the audience its
 * token is checked against), so it needs `audience` or a public URL.
 */
function deploymentProblems(config: GatewayConfig, overrides: { publicUrl?: string }): string[] {
  if (overrides.publicUrl ?? config.gateway.public_url) return [];
  return config.servers.flatMap((server, i) =>
    server.auth.mode === "token_swap" && server.auth.audience === undefined
      ? [`servers[${i}].auth.audience: set an audience, or gateway.public_url (or --public-url), so tokens are not checked against the request's Host header`]
      : [],
  );
}

export class ConfigStore {
  #current: CompiledConfig | undefined;
  #state: ConfigState | undefined;
  #lastRejected: { at: string; source: string; problems: string[] } | undefined;

  constructor(
    private readonly overrides: { publicUrl?: string } = {},
    private readonly onApplied: (config: CompiledConfig) => void = () => {},
  ) {}

  get current(): CompiledConfig | undefined {
    return this.#current;
  }

  get state(): ConfigState | undefined {
    return this.#state;
  }

  get lastRejected() {
    return this.#lastRejected;
  }

  apply(document: unknown, source: string): ApplyResult {
    const parsed = parseConfig(document);
    const problems = parsed.ok ? deploymentProblems(parsed.config, this.overrides) : parsed.problems;
    if (!parsed.ok || problems.length > 0) {
      this.#lastRejected = { at: new Date().toISOString(), source, problems };
      return { ok: false, problems };
    }
    const compiled = compileConfig(parsed.config, this.overrides);
    const version = (this.#state?.version ?? 0) + 1;
    // The document's own hash, as the console computes it, not the parsed config's (which has defaults filled in).
    const hash = configHash(document);
    this.#current = compiled;
    this.#state = { version, hash, source, loadedAt: new Date().toISOString() };
    this.#lastRejected = undefined;
    this.onApplied(compiled);
    return { ok: true, version, hash };
  }
}
