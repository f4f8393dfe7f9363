import type { ReferenceUse } from "@/lib/console/vault/reference-uses";

export function UsesList({ uses }: { uses: ReferenceUse[] }) {
  return (
    <ul className="space-y-0.5 text-xs">
      {uses.map((use, i) => (
        <li key={`${use.id}-${use.place}-${i}`}>
          <span className="font-medium">{use.kind === "server" ? use.name : "HashiCorp Vault"}</span> <span className="text-zinc-500">· {use.place}</span>
        </li>
      ))}
    </ul>
  );
}
