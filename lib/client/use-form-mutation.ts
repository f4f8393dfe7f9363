"use client";
// A form submit (or any console write) as a TanStack mutation: validates with
// the same zod schema as the server first when one is given, then sends; field
// errors from either side land in `fields`, and the page's server data is refreshed.
// A field's error goes as soon as that field changes (`onChange` on the <form>:
// change events bubble from every input, named by its `name`), and the form's
// message with the last of them, so a message never stays beside a value it no
// longer describes.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { fieldErrors } from "../console/validation";
import { ApiError } from "./api";

export function useFormMutation<Input, R>(options: { schema?: z.ZodType<Input>; send: (input: Input) => Promise<R>; onDone?: (result: R) => void }) {
  const { schema, send, onDone } = options;
  const router = useRouter();
  const [fields, setFields] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: (result) => {
      setFields({});
      router.refresh();
      onDone?.(result);
    },
    onError: (error) => setFields(error instanceof ApiError ? error.fields : {}),
  });
  const submit = (value: unknown) => {
    if (!schema) return mutation.mutate(value as Input);
    const parsed = schema.safeParse(value);
    if (!parsed.success) return setFields(fieldErrors(parsed.error));
    mutation.mutate(parsed.data);
  };
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const name = (event.target as { name?: unknown }).name;
    if (typeof name !== "string" || name === "") return;
    const next = withoutField(fields, name);
    if (next === fields) return;
    setFields(next);
    // The refusal was about the fields just corrected: its message at the foot of the form goes with them.
    if (Object.keys(next).length === 0) mutation.reset();
  };
  const message = mutation.error ? (mutation.error instanceof ApiError ? mutation.error.message : "Something went wrong.") : undefined;
  return { submit, fields, message, pending: mutation.isPending, reset: () => (setFields({}), mutation.reset()), onChange };
}

/** The errors left once the field at `path` changed: its own, and those of anything under it (`auth` clears `auth.audience`). */
export function withoutField(fields: Record<string, string>, path: string): Record<string, string> {
  const stale = Object.keys(fields).filter((key) => key === path || key.startsWith(`${path}.`) || key.startsWith(`${path}[`));
  if (stale.length === 0) return fields;
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !stale.includes(key)));
}
