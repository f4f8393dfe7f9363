import type { ReferenceInUse } from "@/lib/console/vault/reference-uses";
import { Badge } from "../ui/badge";
import { EmptyState } from "../ui/empty-state";
import { Table, Td, Th } from "../ui/table";
import { UsesList } from "./uses-list";

const BACKEND_LABEL: Record<ReferenceInUse["backend"], string> = {
  portcullis: "built-in",
  env: "environment",
  file: "file",
  hcv: "HashiCorp Vault",
};

/** Where each reference resolves: built-in secrets are checked here; env, file and hcv resolve in the gateway. */
function Resolution({ reference, secretNames, hcvConfigured }: { reference: ReferenceInUse; secretNames: Set<string>; hcvConfigured: boolean }) {
  if (reference.backend === "portcullis") {
    return secretNames.has(reference.key) ? (
      <Badge tone="green">stored</Badge>
    ) : (
      <Badge tone="red" title="No secret with this name: requests that need it are refused">
        missing
      </Badge>
    );
  }
  if (reference.backend === "hcv" && !hcvConfigured)
    return (
      <Badge tone="red" title="Configure HashiCorp Vault below">
        backend not configured
      </Badge>
    );
  return <Badge title="Resolved by each gateway from its own environment, files or Vault">in the gateway</Badge>;
}

export function ReferencesSection({ references, secretNames, hcvConfigured }: { references: ReferenceInUse[]; secretNames: Set<string>; hcvConfigured: boolean }) {
  return (
    <section aria-labelledby="references-heading">
      <div className="mb-3">
        <h2 id="references-heading" className="text-base font-semibold">
          References in use
        </h2>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Every <code>{"{vault://…}"}</code> in servers&apos; upstream headers and auth settings, and in vault backend credentials.
        </p>
      </div>
      {references.length === 0 ? (
        <EmptyState title="No references in use">
          Use a reference such as <code>{"{vault://portcullis/github-pat}"}</code> or <code>{"{vault://env/KONNECT_TOKEN}"}</code> as an upstream header value on the MCP servers
          page, so no credential is stored in a server&apos;s settings.
        </EmptyState>
      ) : (
        <Table label="References in use">
          <thead>
            <tr>
              <Th>Reference</Th>
              <Th>Backend</Th>
              <Th>Used by</Th>
              <Th>Resolves</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {references.map((reference) => (
              <tr key={reference.raw}>
                <Td>
                  <code className="font-mono text-xs">{reference.raw}</code>
                </Td>
                <Td className="text-zinc-600 dark:text-zinc-400">{BACKEND_LABEL[reference.backend]}</Td>
                <Td>
                  <UsesList uses={reference.uses} />
                </Td>
                <Td>
                  <Resolution reference={reference} secretNames={secretNames} hcvConfigured={hcvConfigured} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}
