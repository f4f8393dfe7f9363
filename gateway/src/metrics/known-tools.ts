// Which tool names of a route may become metric labels: those its ACL names
// and those its upstream has listed. A name a client makes up is counted under
// UNLISTED_TOOL, so random names cannot create series (or crowd out real ones).

const MAX_LISTED = 2_000;
export const UNLISTED_TOOL = "(unlisted)";

export class KnownTools {
  #listed = new Set<string>();

  constructor(private readonly ruled: ReadonlySet<string>) {}

  noteListed(name: string): void {
    if (this.#listed.size < MAX_LISTED) this.#listed.add(name);
  }

  label(name: string | null): string | null {
    if (name === null) return null;
    return this.ruled.has(name) || this.#listed.has(name) ? name : UNLISTED_TOOL;
  }
}
