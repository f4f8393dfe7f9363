"use client";
import { useState, type FormEvent, type ReactNode } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { ROLES, type Role } from "@/lib/auth/roles";
import { passwordResetSchema, userCreateSchema, userUpdateSchema, MIN_PASSWORD_LENGTH } from "@/lib/console/schemas/user";
import type { CreatedUser, UserView } from "@/lib/console/users";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { FormActions } from "../ui/form-actions";
import { SelectField } from "../ui/select";
import { ShownOnce } from "../ui/shown-once";
import { Table, Td, Th } from "../ui/table";
import { LocalTime } from "../ui/local-time";
import { plural } from "@/lib/client/plural";

const ROLE_HELP: Record<Role, string> = {
  admin: "Admin — manages servers, access, consumers, vault and users",
  developer: "Developer — manages their own consumers' keys",
  viewer: "Viewer — reads analytics and the audit log",
};
const ROLE_TONE: Record<Role, "indigo" | "green" | "neutral"> = { admin: "indigo", developer: "green", viewer: "neutral" };

type PasswordMode = "generate" | "set" | "sso";

function PasswordChoice({ mode, setMode, allowSso, error }: { mode: PasswordMode; setMode: (mode: PasswordMode) => void; allowSso: boolean; error?: string }) {
  const choices: { value: PasswordMode; label: string }[] = [
    { value: "generate", label: "Generate a password (shown once)" },
    { value: "set", label: "Set a password now" },
    ...(allowSso ? [{ value: "sso" as const, label: "No password: single sign-on only" }] : []),
  ];
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Password</legend>
      {choices.map((choice) => (
        <label key={choice.value} className="flex items-center gap-2 text-sm">
          <input type="radio" name="passwordMode" value={choice.value} checked={mode === choice.value} onChange={() => setMode(choice.value)} className="accent-indigo-600" />
          {choice.label}
        </label>
      ))}
      {mode === "set" ? (
        <Field
          id="user-password"
          name="password"
          type="password"
          label="New password"
          error={error}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters`}
          autoComplete="new-password"
        />
      ) : null}
    </fieldset>
  );
}

function RoleSelect({ defaultValue, error, disabled, hint }: { defaultValue?: Role; error?: string; disabled?: boolean; hint?: string }) {
  return (
    <SelectField id="user-role" name="role" label="Role" defaultValue={defaultValue ?? "developer"} error={error} disabled={disabled} hint={hint}>
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {ROLE_HELP[role]}
        </option>
      ))}
    </SelectField>
  );
}

function CreateUser({ ssoConfigured, onCreated, onCancel }: { ssoConfigured: boolean; onCreated: (created: CreatedUser) => void; onCancel: () => void }) {
  const [mode, setMode] = useState<PasswordMode>("generate");
  const form = useFormMutation({ schema: userCreateSchema, send: (input) => api<CreatedUser>("/api/users", { method: "POST", body: input }), onDone: onCreated });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    form.submit({ email: data.get("email"), name: data.get("name"), role: data.get("role"), passwordMode: mode, password: data.get("password") ?? undefined });
  };
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate autoComplete="off">
      <Field id="user-email" name="email" type="email" label="Email" error={form.fields.email} autoFocus />
      <Field id="user-name" name="name" label="Name (optional)" error={form.fields.name} />
      <RoleSelect error={form.fields.role} />
      <PasswordChoice mode={mode} setMode={setMode} allowSso={ssoConfigured} error={form.fields.password} />
      <FormActions message={form.message} onCancel={onCancel} label={form.pending ? "Creating…" : "Create user"} disabled={form.pending} />
    </form>
  );
}

function EditUser({ user, isSelf, onDone }: { user: UserView; isSelf: boolean; onDone: () => void }) {
  const form = useFormMutation({ schema: userUpdateSchema, send: (input) => api(`/api/users/${user.id}`, { method: "PATCH", body: input }), onDone });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    form.submit({ name: data.get("name"), ...(isSelf ? {} : { role: data.get("role") }) });
  };
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate>
      <Field id="user-name" name="name" label="Name" defaultValue={user.name} error={form.fields.name} autoFocus />
      <RoleSelect defaultValue={user.role} error={form.fields.role} disabled={isSelf} hint={isSelf ? "You cannot change your own role; ask another admin." : undefined} />
      <FormActions message={form.message} onCancel={onDone} label="Save" disabled={form.pending} />
    </form>
  );
}

function ResetPassword({ user, onReset, onCancel }: { user: UserView; onReset: (password?: string) => void; onCancel: () => void }) {
  const [mode, setMode] = useState<PasswordMode>("generate");
  const form = useFormMutation({
    schema: passwordResetSchema,
    send: (input) => api<{ password?: string }>(`/api/users/${user.id}/password`, { method: "POST", body: input }),
    onDone: (result) => onReset(result.password),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    form.submit({ passwordMode: mode, password: data.get("password") ?? undefined });
  };
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate autoComplete="off">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        The current password of <strong>{user.email}</strong> stops working, and the console sessions they have open end at their next request.
      </p>
      <PasswordChoice mode={mode} setMode={setMode} allowSso={false} error={form.fields.password} />
      <FormActions message={form.message} onCancel={onCancel} label="Reset password" disabled={form.pending} />
    </form>
  );
}

type UserChange = "disable" | "enable" | "delete" | "sign-out";
const CHANGE_LABEL: Record<UserChange, string> = { disable: "Disable user", enable: "Enable user", delete: "Delete user", "sign-out": "Sign out everywhere" };

function ConfirmUserChange({ user, change, onDone }: { user: UserView; change: UserChange; onDone: () => void }) {
  const form = useFormMutation({
    send: () =>
      change === "delete"
        ? api(`/api/users/${user.id}`, { method: "DELETE" })
        : change === "sign-out"
          ? api(`/api/users/${user.id}/sessions`, { method: "DELETE" })
          : api(`/api/users/${user.id}`, { method: "PATCH", body: { disabled: change === "disable" } }),
    onDone,
  });
  const text = {
    disable: (
      <>
        Disable <strong>{user.email}</strong>? They are signed out at their next request and cannot sign in until enabled again.
      </>
    ),
    enable: (
      <>
        Enable <strong>{user.email}</strong> again? They can sign in with their role ({user.role}).
      </>
    ),
    delete: (
      <>
        Delete <strong>{user.email}</strong>? Their {plural(user.consumers, "consumer")} keep working but lose their owner; the activity log keeps their email.
      </>
    ),
    "sign-out": (
      <>
        Sign <strong>{user.email}</strong> out of the console on every device? Their sessions end at their next request; they can sign in again.
      </>
    ),
  }[change];
  return (
    <div className="space-y-4">
      <p className="text-sm">{text}</p>
      <FormError message={form.message} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button variant={change === "enable" ? "primary" : "danger"} disabled={form.pending} onClick={() => form.submit({})}>
          {CHANGE_LABEL[change]}
        </Button>
      </div>
    </div>
  );
}

type Dialogs =
  | { mode: "create" }
  | { mode: "created"; created: CreatedUser }
  | { mode: "edit"; user: UserView }
  | { mode: "password"; user: UserView }
  | { mode: "password-shown"; user: UserView; password: string }
  | { mode: UserChange; user: UserView }
  | undefined;

function PasswordShownOnce({ label, password, onDone, children }: { label: string; password: string; onDone: () => void; children: ReactNode }) {
  return (
    <div className="space-y-4">
      <ShownOnce label={label} value={password}>
        <strong>This password is shown only now.</strong> {children}
      </ShownOnce>
      <div className="flex justify-end">
        <Button onClick={onDone}>Done</Button>
      </div>
    </div>
  );
}

export function UsersManager({ users, currentUserId, ssoConfigured }: { users: UserView[]; currentUserId: string; ssoConfigured: boolean }) {
  const [dialog, setDialog] = useState<Dialogs>();
  const close = () => setDialog(undefined);
  return (
    <>
      <div className="mb-4 flex justify-end">
        <Button onClick={() => setDialog({ mode: "create" })}>New user</Button>
      </div>
      <Table label="Users">
        <thead>
          <tr>
            <Th>User</Th>
            <Th>Role</Th>
            <Th>Status</Th>
            <Th>Last sign-in</Th>
            <Th className="text-right">Consumers</Th>
            <Th className="sr-only">Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {users.map((user) => {
            const isSelf = user.id === currentUserId;
            return (
              <tr key={user.id} className={user.disabled ? "text-zinc-500" : undefined}>
                <Td className="whitespace-nowrap">
                  <span className="font-medium">{user.email}</span>
                  {isSelf ? <span className="ml-1.5 text-xs text-zinc-500">(you)</span> : null}
                  <span className="block text-xs text-zinc-500">{[user.name, user.hasPassword ? "password" : "single sign-on only"].filter(Boolean).join(" · ")}</span>
                </Td>
                <Td>
                  <Badge tone={ROLE_TONE[user.role]}>{user.role}</Badge>
                </Td>
                <Td>{user.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}</Td>
                <Td>
                  <LocalTime iso={user.lastSignInAt} fallback="never" />
                </Td>
                <Td className="text-right tabular-nums">{user.consumers}</Td>
                <Td className="whitespace-nowrap text-right">
                  <Button size="sm" variant="ghost" onClick={() => setDialog({ mode: "edit", user })} aria-label={`Edit ${user.email}`}>
                    Edit
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setDialog({ mode: "password", user })} aria-label={`Reset the password of ${user.email}`}>
                    Password
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setDialog({ mode: "sign-out", user })} aria-label={`Sign ${user.email} out everywhere`}>
                    Sign out
                  </Button>
                  {isSelf ? null : (
                    <>
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => setDialog({ mode: user.disabled ? "enable" : "disable", user })}
                        aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.email}`}
                      >
                        {user.disabled ? "Enable" : "Disable"}
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setDialog({ mode: "delete", user })} aria-label={`Delete ${user.email}`}>
                        Delete
                      </Button>
                    </>
                  )}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>

      <Dialog open={dialog?.mode === "create"} onClose={close} title="New console user">
        {dialog?.mode === "create" ? (
          <CreateUser ssoConfigured={ssoConfigured} onCancel={close} onCreated={(created) => (created.password ? setDialog({ mode: "created", created }) : close())} />
        ) : null}
      </Dialog>
      <Dialog open={dialog?.mode === "created"} onClose={close} title="Share the initial password">
        {dialog?.mode === "created" ? (
          <PasswordShownOnce label={`Password for ${dialog.created.user.email}`} password={dialog.created.password!} onDone={close}>
            Give it to {dialog.created.user.email} over a private channel; they sign in with it at this console&apos;s address.
          </PasswordShownOnce>
        ) : null}
      </Dialog>
      <Dialog open={dialog?.mode === "edit"} onClose={close} title={dialog?.mode === "edit" ? `Edit ${dialog.user.email}` : "Edit user"}>
        {dialog?.mode === "edit" ? <EditUser user={dialog.user} isSelf={dialog.user.id === currentUserId} onDone={close} /> : null}
      </Dialog>
      <Dialog open={dialog?.mode === "password"} onClose={close} title="Reset password">
        {dialog?.mode === "password" ? (
          <ResetPassword user={dialog.user} onCancel={close} onReset={(password) => (password ? setDialog({ mode: "password-shown", user: dialog.user, password }) : close())} />
        ) : null}
      </Dialog>
      <Dialog open={dialog?.mode === "password-shown"} onClose={close} title="Share the new password">
        {dialog?.mode === "password-shown" ? (
          <PasswordShownOnce label={`New password for ${dialog.user.email}`} password={dialog.password} onDone={close}>
            Give it to {dialog.user.email} over a private channel.
          </PasswordShownOnce>
        ) : null}
      </Dialog>
      {(["disable", "enable", "delete", "sign-out"] as const).map((change) => (
        <Dialog key={change} open={dialog?.mode === change} onClose={close} title={CHANGE_LABEL[change]}>
          {dialog?.mode === change ? <ConfirmUserChange user={dialog.user} change={change} onDone={close} /> : null}
        </Dialog>
      ))}
    </>
  );
}
