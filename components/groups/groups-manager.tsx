"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { GroupSummary } from "@/lib/console/groups";
import { groupInputSchema } from "@/lib/console/schemas/group";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { EmptyState } from "../ui/empty-state";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { Table, Td, Th } from "../ui/table";
import { plural } from "@/lib/client/plural";

type Editing = { mode: "create" } | { mode: "edit"; group: GroupSummary } | { mode: "delete"; group: GroupSummary } | undefined;

function GroupForm({ group, onDone }: { group?: GroupSummary; onDone: () => void }) {
  const form = useFormMutation({
    schema: groupInputSchema,
    send: (input) => (group ? api(`/api/groups/${group.id}`, { method: "PATCH", body: input }) : api("/api/groups", { method: "POST", body: input })),
    onDone,
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    form.submit({ name: data.get("name"), description: data.get("description") });
  };
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate>
      <Field
        id="group-name"
        name="name"
        label="Name"
        defaultValue={group?.name}
        error={form.fields.name}
        hint="Used in ACL rules and tokens' group claims, e.g. developer"
        autoFocus
      />
      <Field id="group-description" name="description" label="Description" defaultValue={group?.description} error={form.fields.description} />
      <FormActions message={form.message} onCancel={onDone} label={group ? "Save" : "Create group"} disabled={form.pending} />
    </form>
  );
}

function DeleteGroup({ group, onDone }: { group: GroupSummary; onDone: () => void }) {
  const form = useFormMutation({ send: () => api(`/api/groups/${group.id}`, { method: "DELETE" }), onDone });
  return (
    <div className="space-y-4">
      <p className="text-sm">
        Delete <strong>{group.name}</strong>? Its {plural(group.members, "member")} leave the group and its {plural(group.rules, "access rule")} {group.rules === 1 ? "is" : "are"}{" "}
        removed. Consumers keep their other groups.
      </p>
      <FormActions message={form.message} onCancel={onDone} label="Delete group" disabled={form.pending} danger onSubmit={() => form.submit({})} />
    </div>
  );
}

const LINK = "text-indigo-700 hover:underline dark:text-indigo-300";

/** Who is in the group: the first few by name, and the consumers list filtered to the group for all of them. */
function GroupMembers({ group }: { group: GroupSummary }) {
  if (group.members === 0) return <span className="text-zinc-400">no members</span>;
  const more = group.members - group.firstMembers.length;
  return (
    <span className="block min-w-48 text-xs" data-testid={`members-${group.name}`}>
      {group.firstMembers.map((member, i) => (
        <span key={member.id}>
          {i > 0 ? ", " : null}
          <Link className={`font-mono ${LINK}`} href={`/consumers/${member.id}`}>
            {member.username}
          </Link>
        </span>
      ))}
      {more > 0 ? (
        <>
          {" "}
          <Link className={LINK} href={`/consumers?group=${group.id}`}>
            and {more.toLocaleString("en")} more
          </Link>
        </>
      ) : null}
      <span className="block text-zinc-500">{plural(group.members, "member")}</span>
    </span>
  );
}

export function GroupsManager({ groups }: { groups: GroupSummary[] }) {
  const [editing, setEditing] = useState<Editing>();
  const close = () => setEditing(undefined);
  return (
    <>
      <div className="mb-4 flex justify-end">
        <Button onClick={() => setEditing({ mode: "create" })}>New group</Button>
      </div>
      {groups.length === 0 ? (
        <EmptyState title="No consumer groups yet" action={<Button onClick={() => setEditing({ mode: "create" })}>Create the first group</Button>}>
          Groups such as <code>admin</code> and <code>developer</code> are the columns of the tool access matrix. Create one, then add consumers to it.
        </EmptyState>
      ) : (
        <Table label="Consumer groups">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Description</Th>
              <Th>Members</Th>
              <Th className="text-right">Access rules</Th>
              <Th className="sr-only">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {groups.map((group) => (
              <tr key={group.id}>
                <Td className="font-medium">{group.name}</Td>
                <Td className="text-zinc-600 dark:text-zinc-400">{group.description || "—"}</Td>
                <Td>
                  <GroupMembers group={group} />
                </Td>
                <Td className="text-right tabular-nums">{group.rules}</Td>
                <Td className="whitespace-nowrap text-right">
                  <Button variant="ghost" onClick={() => setEditing({ mode: "edit", group })} aria-label={`Edit ${group.name}`}>
                    Edit
                  </Button>
                  <Button variant="ghost" onClick={() => setEditing({ mode: "delete", group })} aria-label={`Delete ${group.name}`}>
                    Delete
                  </Button>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Dialog open={editing?.mode === "create" || editing?.mode === "edit"} onClose={close} title={editing?.mode === "edit" ? `Edit ${editing.group.name}` : "New consumer group"}>
        {editing?.mode === "create" || editing?.mode === "edit" ? <GroupForm group={editing.mode === "edit" ? editing.group : undefined} onDone={close} /> : null}
      </Dialog>
      <Dialog open={editing?.mode === "delete"} onClose={close} title="Delete consumer group">
        {editing?.mode === "delete" ? <DeleteGroup group={editing.group} onDone={close} /> : null}
      </Dialog>
    </>
  );
}
