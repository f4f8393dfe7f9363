import { listPendingChanges, decidePendingChanges } from "@/lib/console/pending-changes";
import { route } from "@/lib/console/route";
import { decidePendingChangesSchema } from "@/lib/console/schemas/tools";

export const GET = route({ roles: ["admin"] }, async ({ params }) => ({ changes: await listPendingChanges(params.id!) }));

export const POST = route({ roles: ["admin"], body: decidePendingChangesSchema }, async ({ user, body, params }) =>
  decidePendingChanges(user, params.id!, body.decision, body.ids),
);
