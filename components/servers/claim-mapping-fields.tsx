"use client";
// Which consumer a validated token names: a claim matched to a consumer's
// username or custom id, groups from another claim, and (where the route takes
// identity from the token alone) who unknown users act as.
import { Field } from "../ui/field";
import { SelectField } from "../ui/select";
import type { Draft, DraftBinding } from "./server-draft";

export function ClaimMappingFields({ binding, withFallback, matchLabel = "Match the claim to" }: { binding: DraftBinding; withFallback: boolean; matchLabel?: string }) {
  const { draft, set, text, error } = binding;
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id="auth-consumer-claim" label="Consumer claim" {...text("consumerClaim")} error={error("auth.consumer_claim")} />
        <SelectField
          id="auth-consumer-by"
          label={matchLabel}
          value={draft.consumerBy}
          onChange={(e) => set("consumerBy", e.target.value as Draft["consumerBy"])}
          error={error("auth.consumer_by")}
        >
          <option value="username">consumer username</option>
          <option value="custom_id">consumer custom id</option>
        </SelectField>
        <Field id="auth-groups-claim" label="Groups claim (optional)" placeholder="groups" {...text("groupsClaim")} error={error("auth.consumer_groups_claim")} />
      </div>
      {withFallback ? (
        <Field
          id="auth-unknown-consumer"
          label="Unknown consumers"
          {...text("unknownConsumer")}
          error={error("auth.unknown_consumer")}
          hint={`"reject", or the username of a consumer that callers without a consumer act as`}
        />
      ) : null}
    </>
  );
}
