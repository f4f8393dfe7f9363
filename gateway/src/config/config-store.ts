// The one way a configuration document becomes live, for the file at start,
// SIGHUP, and (later) a push from the console: validate → compile → swap.
// A request takes the compiled config once, at its start, and keeps it; a
// document with problems, or one that fails to compile, changes nothing and
// reports every problem (apply never throws).
import { configHash } from "../../../lib/core/config/canonical";
import { validateConfig } from "../../../lib/core/config/validate";
import { compileConfig, type CompiledConfig } from "./compile";

export type ApplyResult = { ok: true; version: number; hash: string } | { ok: false; problems: string[] };

export interface ConfigState {
  version: number;
  hash: string;
  source: string;
  loadedAt: string;
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

  /** `configVersion`: the control plane's number of the document, when it came from one. */
  apply(document: unknown, source: string, configVersion: number | null = null): ApplyResult {
    const validated = validateConfig(document, this.overrides);
    if (!validated.ok) return this.#reject(source, validated.problems);
    let compiled: CompiledConfig;
    try {
      compiled = compileConfig(validated.config, this.overrides, configVersion);
    } catch (error) {
      // A document the schema accepts but the gateway cannot compile is refused like any other:
      // thrown, it would end a SIGHUP in an unhandled rejection and a push in an endless reconnect.
      return this.#reject(source, [`the configuration cannot be compiled: ${(error as Error).message}`]);
    }
    const version = (this.#state?.version ?? 0) + 1;
    // The document's own hash, as the console computes it, not the parsed config's (which has defaults filled in).
    const hash = configHash(document);
    this.#current = compiled;
    this.#state = { version, hash, source, loadedAt: new Date().toISOString() };
    this.#lastRejected = undefined;
    this.onApplied(compiled);
    return { ok: true, version, hash };
  }

  #reject(source: string, problems: string[]): ApplyResult {
    this.#lastRejected = { at: new Date().toISOString(), source, problems };
    return { ok: false, problems };
  }
}
