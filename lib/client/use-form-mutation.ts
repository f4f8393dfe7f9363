"use client";
// A form submit (or any console write) as a TanStack mutation: validates with
// the same zod schema as the server first when one is given, then sends; field
// errors from either side land in `fields`, and the page's server data is refreshed.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
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
  const message = mutation.error ? (mutation.error instanceof ApiError ? mutation.error.message : "Something went wrong.") : undefined;
  return { submit, fields, message, pending: mutation.isPending, reset: () => (setFields({}), mutation.reset()) };
}
