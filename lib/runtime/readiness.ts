import { loopStates, type LoopState } from "./loops";

/**
 * Whether each loop of this process is alive: it completed a pass recently (three intervals, at least 20 s), or
 * the pass in progress reported progress within PROGRESS_ALLOWANCE_MS (a backlog drains in one long pass that
 * keeps reporting; a hung one stops).
 * On-demand loops (web role) run only when woken and are not judged.
 */
export const PROGRESS_ALLOWANCE_MS = 25_000;
const MIN_STALE_MS = 20_000;

export type LoopHealth = { name: string; ok: boolean; lastPassAgeSeconds: number; reason?: string };

export function judgeLoop(state: LoopState, now = Date.now()): LoopHealth {
  const age = now - state.lastPassAt;
  const health = { name: state.name, lastPassAgeSeconds: Math.round(age / 100) / 10 };
  if (state.onDemand) return { ...health, ok: true };
  if (state.runningSince !== undefined) {
    const quiet = now - (state.progressAt ?? state.runningSince);
    return quiet > PROGRESS_ALLOWANCE_MS
      ? { ...health, ok: false, reason: `a pass has made no progress for ${Math.round(quiet / 1000)} s` }
      : { ...health, ok: true };
  }
  const staleAfter = Math.max(3 * state.intervalMs, MIN_STALE_MS);
  return age > staleAfter
    ? {
        ...health,
        ok: false,
        reason: `no pass for ${Math.round(age / 1000)} s (expected every ${state.intervalMs / 1000} s)`,
      }
    : { ...health, ok: true };
}

export function loopHealth(now = Date.now()): LoopHealth[] {
  return loopStates().map((state) => judgeLoop(state, now));
}
