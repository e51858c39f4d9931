"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";

import type { LiveSnapshot } from "@/lib/live/snapshot";

const LiveContext = createContext<LiveSnapshot | null>(null);

/**
 * Keeps an open dashboard current without a reload: polls /api/live and, when its version moves (a webhook
 * or a send changed something), re-renders the server components in place (router.refresh keeps form input
 * and other client state). Client components read the latest snapshot through useLive().
 */
export function LiveUpdates({
  initial,
  everyMs = 2_000,
  children,
}: {
  initial: LiveSnapshot;
  everyMs?: number;
  children: ReactNode;
}) {
  const router = useRouter();
  const [snapshot, setSnapshot] = useState(initial);
  const version = useRef(initial.version);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    async function poll() {
      // A hidden tab skips its turn; it catches up on the next one after it is shown again.
      if (document.visibilityState === "visible") {
        try {
          const response = await fetch("/api/live", { cache: "no-store" });
          if (response.ok) {
            const next = (await response.json()) as LiveSnapshot;
            setSnapshot(next);
            if (next.version !== version.current) {
              version.current = next.version;
              router.refresh();
            }
          }
        } catch {
          /* offline or restarting: try again next turn */
        }
      }
      if (!stopped) timer = setTimeout(poll, everyMs);
    }
    timer = setTimeout(poll, everyMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [router, everyMs]);

  return <LiveContext.Provider value={snapshot}>{children}</LiveContext.Provider>;
}

/** The latest live snapshot (null outside the dashboard). */
export function useLive(): LiveSnapshot | null {
  return useContext(LiveContext);
}
