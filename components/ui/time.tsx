"use client";
import { useEffect, useState } from "react";

const utc = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
const local = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A timestamp in the viewer's time zone (UTC until the browser takes over, so server and client render alike). */
export function Time({ iso, fallback = "—" }: { iso: string | null; fallback?: string }) {
  const [text, setText] = useState(iso ? utc(iso) : fallback);
  useEffect(() => setText(iso ? local(iso) : fallback), [iso, fallback]);
  if (!iso) return <span className="text-zinc-400">{fallback}</span>;
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap">
      {text}
    </time>
  );
}
