// The data plane's side of the control-plane channel. It connects out to the
// console (PORTCULLIS_CP_URL) with its data-plane token, receives the current
// config version at connect and each new one as Server-Sent Events, applies
// each through the one apply path (validate → compile → swap), writes it to
// disk as the last-known-good, and reports what it applied or refused. It
// boots from the last-known-good file, keeps serving with the console gone,
// and reconnects with backoff and jitter.
import os from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { configHash } from "../../../lib/core/config/canonical";
import { CONFIG_EVENT, configMessageSchema, DP_API, DP_HELLO_HEADERS, type ConfigMessage, type ReportMessage } from "../../../lib/core/controlplane/protocol";
import type { Context } from "@opentelemetry/api";
import type { ApplyResult } from "../config/config-store";
import { UNTRACED_CONTROL_PLANE, type ControlPlaneTracing } from "../telemetry/request-trace";
import { backoffDelay } from "./backoff";
import { lastKnownGoodFile, readLastKnownGood, writeLastKnownGood } from "./last-known-good";
import { readSseEvents } from "./sse-events";

// The console sends a keep-alive comment every 15 s; silence this long means the connection is dead.
const IDLE_TIMEOUT_MS = 45_000;
const REPORT_EVERY_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;

class TokenRefused extends Error {
  constructor() {
    super("the control plane refused this data plane's token (401); check PORTCULLIS_DP_TOKEN");
  }
}

export interface ControlPlaneOptions {
  url: string;
  token: string;
  dataDir: string;
  apply(document: unknown, source: string, configVersion: number): ApplyResult;
  droppedEvents(): number;
  log: {
    info(fields: Record<string, unknown>, message: string): void;
    warn(fields: Record<string, unknown>, message: string): void;
    error(fields: Record<string, unknown>, message: string): void;
  };
  softwareVersion: string;
  /** With telemetry on: every request a span the console continues, each config version applied a span of its own. */
  tracing?: ControlPlaneTracing;
}

export interface ControlPlaneStatus {
  url: string;
  connected: boolean;
  last_error: string | null;
  applied: { version: number; hash: string; from: "control plane" | "last-known-good" } | null;
  last_rejected: { version: number; problems: string[] } | null;
}

export class ControlPlaneClient {
  #abort = new AbortController();
  #connected = false;
  #lastError: string | null = null;
  #applied: ControlPlaneStatus["applied"] = null;
  #rejected: (NonNullable<ControlPlaneStatus["last_rejected"]> & { hash: string }) | null = null;
  #reportTimer: NodeJS.Timeout | undefined;
  #reporting: Promise<void> = Promise.resolve();
  #startedAt = Date.now();
  #lkgFile: string;
  #tracing: ControlPlaneTracing;

  constructor(private readonly options: ControlPlaneOptions) {
    this.#lkgFile = lastKnownGoodFile(options.dataDir);
    this.#tracing = options.tracing ?? UNTRACED_CONTROL_PLANE;
  }

  /** Applies the last-known-good configuration (if any), then connects in the background. */
  start(): void {
    const cached = readLastKnownGood(this.#lkgFile);
    if (cached.problem) this.options.log.warn({ problem: cached.problem }, "last-known-good configuration ignored");
    if (cached.message) {
      const result = this.options.apply(cached.message.document, `last-known-good (version ${cached.message.version})`, cached.message.version);
      if (result.ok) {
        this.#applied = { version: cached.message.version, hash: cached.message.hash, from: "last-known-good" };
        this.options.log.info({ version: cached.message.version }, "serving the last-known-good configuration until the control plane answers");
      } else this.options.log.error({ problems: result.problems }, "the last-known-good configuration is no longer valid; ignored");
    }
    this.#reportTimer = setInterval(() => void this.#report(), REPORT_EVERY_MS);
    this.#reportTimer.unref();
    void this.#run();
  }

  stop(): void {
    clearInterval(this.#reportTimer);
    this.#abort.abort();
  }

  status(): ControlPlaneStatus {
    const rejected = this.#rejected ? { version: this.#rejected.version, problems: this.#rejected.problems } : null;
    return { url: this.options.url, connected: this.#connected, last_error: this.#lastError, applied: this.#applied, last_rejected: rejected };
  }

  async #run(): Promise<void> {
    for (let attempt = 0; !this.#abort.signal.aborted;) {
      try {
        await this.#listen(() => (attempt = 0));
        throw new Error("the control plane closed the stream");
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        this.#connected = false;
        const message = (error as Error).message;
        if (message !== this.#lastError) {
          // A revoked (or replaced) token: the console closes the open stream, and every reconnect is refused.
          if (error instanceof TokenRefused)
            this.options.log.error(
              { url: this.options.url, error: message },
              "the control plane refused this data plane's token (revoked, or not one of its data planes); serving the current configuration, receiving no new versions, and retrying",
            );
          else this.options.log.warn({ url: this.options.url, error: message }, "control plane unreachable; serving the current configuration and retrying");
        }
        this.#lastError = message;
      }
      await delay(backoffDelay(attempt++), undefined, { signal: this.#abort.signal }).catch(() => {});
    }
  }

  async #listen(onEvent: () => void): Promise<void> {
    const idle = new AbortController();
    const signal = AbortSignal.any([this.#abort.signal, idle.signal]);
    const watchdog = setTimeout(() => idle.abort(new Error("no keep-alive from the control plane for 45 s")), IDLE_TIMEOUT_MS);
    try {
      const response = await this.#tracing.fetch(new URL(DP_API.config, this.options.url), {
        method: "GET",
        headers: {
          accept: "text/event-stream",
          authorization: `Bearer ${this.options.token}`,
          [DP_HELLO_HEADERS.hostname]: os.hostname(),
          [DP_HELLO_HEADERS.softwareVersion]: this.options.softwareVersion,
          [DP_HELLO_HEADERS.startedAt]: String(this.#startedAt),
        },
        signal,
      });
      if (response.status === 401) throw new TokenRefused();
      if (!response.ok || !response.body) throw new Error(`the control plane answered ${response.status}`);
      this.#connected = true;
      this.#lastError = null;
      this.options.log.info({ url: this.options.url }, "connected to the control plane");
      const chunks = async function* (body: AsyncIterable<Uint8Array>) {
        for await (const chunk of body) {
          watchdog.refresh();
          yield chunk;
        }
      };
      // Node's web streams are async-iterable; the DOM typings in tsconfig do not say so.
      for await (const event of readSseEvents(chunks(response.body as unknown as AsyncIterable<Uint8Array>))) {
        onEvent();
        if (event.event === CONFIG_EVENT) await this.#onConfig(event.data);
      }
    } catch (error) {
      throw idle.signal.aborted ? (idle.signal.reason as Error) : error;
    } finally {
      clearTimeout(watchdog);
    }
  }

  async #onConfig(data: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.options.log.error({}, "the control plane sent a configuration event that is not JSON; ignored");
      return;
    }
    const parsed = configMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.options.log.error({ problems: parsed.error.issues.map((i) => i.message) }, "malformed configuration message; ignored");
      return;
    }
    const message = parsed.data;
    if (this.#applied?.from === "control plane" && this.#applied.version === message.version) return;
    // The report that follows is a child of this span: the console's side of the push joins its trace.
    await this.#tracing.activity("portcullis.config.apply", { "portcullis.config.version": message.version }, (parent) => this.#apply(message, parent));
  }

  async #apply(message: ConfigMessage, parent: Context | undefined): Promise<void> {
    if (configHash(message.document) !== message.hash) {
      await this.#reject(message.version, message.hash, ["the document does not match its hash"], parent);
      return;
    }
    const result = this.options.apply(message.document, `control plane version ${message.version}`, message.version);
    if (!result.ok) {
      await this.#reject(message.version, message.hash, result.problems, parent);
      return;
    }
    this.#applied = { version: message.version, hash: message.hash, from: "control plane" };
    this.#rejected = null;
    try {
      writeLastKnownGood(this.#lkgFile, message);
    } catch (error) {
      this.options.log.error({ file: this.#lkgFile, error: (error as Error).message }, "could not write the last-known-good configuration");
    }
    await this.#report(parent);
    this.options.log.info({ version: message.version, hash: message.hash }, "configuration applied");
  }

  async #reject(version: number, hash: string, problems: string[], parent: Context | undefined) {
    this.#rejected = { version, hash, problems };
    await this.#report(parent);
    this.options.log.error({ version, problems }, "configuration from the control plane refused; still serving the previous one");
  }

  /**
   * Tells the console what is applied and, while it lasts, which newer version
   * was refused and why. Reports go one at a time, each built when it is sent:
   * a timer's report still in flight can never land after, and undo, a newer one.
   */
  #report(parent?: Context): Promise<void> {
    this.#reporting = this.#reporting.then(() => this.#sendReport(parent));
    return this.#reporting;
  }

  async #sendReport(parent: Context | undefined): Promise<void> {
    const body: ReportMessage = {
      ...(this.#applied ? { applied: { version: this.#applied.version, hash: this.#applied.hash } } : {}),
      ...(this.#rejected ? { rejected: this.#rejected } : {}),
      dropped_events: this.options.droppedEvents(),
    };
    try {
      const response = await this.#tracing.fetch(
        new URL(DP_API.report, this.options.url),
        {
          method: "POST",
          headers: { authorization: `Bearer ${this.options.token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        },
        parent,
      );
      await response.body?.cancel();
    } catch {
      // The channel's own reconnect loop reports the outage; a lost report is repeated on the next timer.
    }
  }
}
