// Who a list of subjects names: consumer group names, consumer usernames, and
// "*" for every caller. Shared by the ACL's allow/deny lists and by a rule's
// `require.for`.

export interface Caller {
  username: string;
  groups: readonly string[];
}

export const EVERYONE = "*";

/** The first subject of the list that names the caller: a group, then the username, then "*". */
export function matchingSubject(caller: Caller, subjects: ReadonlySet<string>): string | undefined {
  for (const group of caller.groups) if (subjects.has(group)) return group;
  if (subjects.has(caller.username)) return caller.username;
  return subjects.has(EVERYONE) ? EVERYONE : undefined;
}
