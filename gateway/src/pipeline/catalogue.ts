// Catalogue change control: the gateway serves the tool definitions an admin
// approved, not whatever the upstream says next (a "rug pull": yesterday's
// harmless tool with new instructions in its description). Each listed tool is
// compared with its pin (lib/core/tools/pin.ts). Under `tool_changes: hold` a
// tool whose definition differs from its pin is hidden from lists and its
// calls are refused; under `new_tools: hold` so is a tool with no pin, and a
// call to a name the upstream never listed. A definition back at its pin is
// served again without anything to approve.
//
// What the gateway last saw listed is kept per server (across configurations,
// bounded — but a pinned tool is always kept), so a call is judged against the
// definition the caller was shown. Names match as the ACL matches them, and
// the gateway forwards the caller's spelling: when the upstream lists spellings
// of one name (`Foo` and `foo`) with different definitions, the gateway cannot
// know which one a call reaches, so under a hold the name is held — listed and
// called — until the gateway restarts (a spelling once listed is not forgotten:
// listings come in pages, and the other spelling may be on the next one).
// A definition without a pin is reported once per server, tool and hash.
import { normaliseToolName } from "../../../lib/core/acl/decide";
import { toolPin } from "../../../lib/core/tools/pin";
import type { CompiledRoute } from "../config/compile";
import { GatewayError } from "../errors";
import type { ParsedBody } from "../jsonrpc/message";

const MAX_TOOLS_PER_SERVER = 2_000;
const MAX_SPELLINGS_PER_TOOL = 8;
const MAX_PIN_CACHE = 5_000;
/** What a name's spellings stand for when their definitions differ: a pin no admin approved. */
const SPELLINGS_DIFFER = "spellings-differ";

export interface ToolDrift {
  server: string;
  tool: string;
  /** The definition's pin, or null when it has none (JCS cannot represent it). */
  pin: string | null;
  /** The pin the admin approved, if any. */
  approved: string | null;
  definition: unknown;
  seenAt: string;
}

export type Verdict = "ok" | "tool_changed" | "tool_not_approved";

export class CatalogueWatch {
  /** server → tool (as the ACL names it) → each spelling listed → the pin of the definition last listed under it. */
  #seen = new Map<string, Map<string, Map<string, string | null>>>();
  #reported = new Set<string>();
  /** Re-serialised tool text → pin: upstreams list the same definitions again and again. */
  #pins = new Map<string, string | undefined>();
  readonly drifts: ToolDrift[] = [];

  constructor(private readonly onDrift: (drift: ToolDrift) => void = () => {}) {}

  /** The tool's pin, from a cache by its re-serialised text. */
  pinOf(tool: unknown): string | undefined {
    const text = JSON.stringify(tool);
    if (this.#pins.has(text)) return this.#pins.get(text);
    const pin = toolPin(tool);
    if (this.#pins.size >= MAX_PIN_CACHE) this.#pins.delete(this.#pins.keys().next().value!);
    this.#pins.set(text, pin);
    return pin;
  }

  /** A listed tool: remembered, reported when it has no approval, and judged. */
  listed(route: CompiledRoute, name: string, tool: unknown, pinned = this.pinOf(tool)): Verdict {
    const pin = pinned ?? null;
    const key = normaliseToolName(name);
    const spellings = this.#remember(route, key, name, pin);
    const approved = route.catalogue.pins.get(key) ?? null;
    // Reported where change control is in use (a hold, or any pin); a route without it has nothing to review.
    const controlled = route.catalogue.pins.size > 0 || route.catalogue.toolChanges === "hold" || route.catalogue.newTools === "hold";
    if (controlled && (pin === null || pin !== approved)) this.#report({ server: route.name, tool: name, pin, approved, definition: tool, seenAt: new Date().toISOString() });
    return judge(route, approved, agreedPin(spellings) ?? pin, true);
  }

  /**
   * The same listing answered again (from the filter's cache): only what was seen is
   * remembered again — its judgement and any report were made when it was first listed.
   */
  relisting(route: CompiledRoute, name: string, pinned: string | undefined): () => void {
    const key = normaliseToolName(name);
    const pin = pinned ?? null;
    return () => void this.#remember(route, key, name, pin);
  }

  /** Keeps the spelling's pin; returns the name's spellings, or undefined past the bound (never for a pinned tool). */
  #remember(route: CompiledRoute, key: string, spelling: string, pin: string | null): Map<string, string | null> | undefined {
    let seen = this.#seen.get(route.name);
    if (!seen) this.#seen.set(route.name, (seen = new Map<string, Map<string, string | null>>()));
    let spellings = seen.get(key);
    if (!spellings) {
      // A flood of other names must not push a pinned tool out: "never listed" would let its calls through.
      if (seen.size >= MAX_TOOLS_PER_SERVER && !route.catalogue.pins.has(key)) return undefined;
      seen.set(key, (spellings = new Map<string, string | null>()));
    }
    if (spellings.has(spelling) || spellings.size < MAX_SPELLINGS_PER_TOOL) spellings.set(spelling, pin);
    // Past the bound a further spelling counts as a definition that differs.
    else spellings.set("", SPELLINGS_DIFFER);
    return spellings;
  }

  /** A tools/call: judged against the definition this gateway last listed for the name. */
  called(route: CompiledRoute, name: string): Verdict {
    // Names are judged as the ACL matches them: an upstream that matches loosely must not reach a held tool.
    const key = normaliseToolName(name);
    const approved = route.catalogue.pins.get(key) ?? null;
    const spellings = this.#seen.get(route.name)?.get(key);
    return judge(route, approved, agreedPin(spellings), spellings !== undefined);
  }

  #report(drift: ToolDrift) {
    const key = `${drift.server}\n${drift.tool}\n${drift.pin}`;
    if (this.#reported.has(key) || this.#reported.size >= MAX_PIN_CACHE) return;
    this.#reported.add(key);
    this.drifts.push(drift);
    if (this.drifts.length > 100) this.drifts.shift();
    this.onDrift(drift);
  }
}

/** The pin every spelling of a name was last listed with; SPELLINGS_DIFFER when they differ. */
function agreedPin(spellings: Map<string, string | null> | undefined): string | null | undefined {
  let agreed: string | null | undefined;
  for (const pin of spellings?.values() ?? []) {
    if (agreed === undefined) agreed = pin;
    else if (pin !== agreed) return SPELLINGS_DIFFER;
  }
  return agreed;
}

function judge(route: CompiledRoute, approved: string | null, pin: string | null | undefined, listed: boolean): Verdict {
  const { toolChanges, newTools } = route.catalogue;
  if (approved === null) return newTools === "hold" ? "tool_not_approved" : "ok";
  // Pinned but not listed since this gateway started: the approved definition is all it knows.
  if (!listed || pin === approved) return "ok";
  return toolChanges === "hold" ? "tool_changed" : "ok";
}

/** Refuses the body when a tools/call in it names a held tool (a whole 2025-03-26 batch, like the ACL). */
export function decideCatalogueCalls(watch: CatalogueWatch, route: CompiledRoute, body: ParsedBody): void {
  for (const message of body.messages) {
    if (message.kind !== "request" || message.method !== "tools/call") continue;
    const tool = message.params!.name as string;
    const verdict = watch.called(route, tool);
    if (verdict !== "ok") throw catalogueRefusal(verdict, route.name, tool).withId(body.batch ? null : message.id);
  }
}

export function catalogueRefusal(verdict: Exclude<Verdict, "ok">, server: string, tool: string): GatewayError {
  return verdict === "tool_changed"
    ? new GatewayError("tool_changed", `Tool '${tool}' of '${server}' changed since an admin approved it; an admin must review the change before it can be called`)
    : new GatewayError("tool_not_approved", `Tool '${tool}' of '${server}' has not been approved by an admin yet; an admin must review it before it can be called`);
}
