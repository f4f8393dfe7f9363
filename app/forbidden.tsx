import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="flex min-h-[60vh] flex-col items-center justify-center text-center">
      <p className="text-sm font-semibold text-indigo-600">403</p>
      <h1 className="mt-1 text-xl font-semibold">You do not have access to this page</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">Your role does not include this area. Ask an admin if you need it.</p>
      <Link href="/" className="mt-4 text-sm font-medium text-indigo-600 hover:underline">
        Back to the dashboard
      </Link>
    </div>
  );
}
