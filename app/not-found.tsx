import Link from "next/link";

export default function NotFound() {
  return (
    <div className="flex min-h-[60vh] flex-col items-center justify-center text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-1 text-xl font-semibold">Page not found</h1>
      <Link href="/" className="mt-4 text-sm font-medium text-indigo-600 hover:underline">
        Back to the dashboard
      </Link>
    </div>
  );
}
