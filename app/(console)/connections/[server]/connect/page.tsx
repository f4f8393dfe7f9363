import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { StaticSecretForm } from "@/components/connections/static-secret-form";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { startConnect } from "@/lib/console/connections/connect-flow";
import { ConsoleError } from "@/lib/console/errors";

export const metadata: Metadata = { title: "Connect an account" };

/**
 * Where the gateway's "connect your account" errors and Connected accounts link to: an upstream with OAuth
 * sends the browser on to its consent page; one that takes a pasted secret shows the form.
 * No loading.tsx: the redirect must be an HTTP redirect, not one streamed after a skeleton.
 */
export default async function ConnectPage({ params, searchParams }: { params: Promise<{ server: string }>; searchParams: Promise<{ interaction?: string }> }) {
  const user = await requirePageRole(ROLES);
  const server = decodeURIComponent((await params).server);
  const { interaction } = await searchParams;
  const host = (await headers()).get("host");
  let authorization: string | undefined;
  let problem: string | undefined;
  try {
    authorization = await startConnect(user, server, { origin: `http://${host}`, interaction });
  } catch (error) {
    if (!(error instanceof ConsoleError)) throw error;
    problem = error.message;
  }
  if (authorization) redirect(authorization);
  return (
    <>
      <PageHeader title={`Connect your ${server} account`} description="The gateway sends this server's upstream your own credential. The console keeps it encrypted." />
      {problem ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-300">
          {problem}
        </p>
      ) : (
        <StaticSecretForm server={server} />
      )}
    </>
  );
}
