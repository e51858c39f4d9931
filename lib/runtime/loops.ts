import { AsyncLocalStorage } from "node:async_hooks";

import { logger } from "@/lib/runtime/log";

import { processSingleton } from "./singleton";

/**
 * The background loops of a process (dispatcher, debits, credit syncs, outbox, cleanup…). Each loop runs `tick`
 * every `intervalMs`, and again at once while `tick` reports that it did work, so a backlog drains at full speed
 * while an idle loop costs one cheap query per interval. `wakeLoop` runs a loop now (e.g. the dispatcher right
 * after a send is admitted). Instances share the work through leases in the database, so a tick must be safe to
 * run in several processes at once.
 *
 * A process without loops (the web role) can register a loop as on demand: `wakeLoop` then runs one pass, kept
 * alive past the response by Next's `after()` when called while a request is handled. Every pass is recorded
 * (last completion, current start) for /api/ready and the metrics.
 */

export type LoopTick = () => Promise<number | boolean>;

type Loop = {
  name: string;
  tick: LoopTick;
  intervalMs: number;
  onDemand: boolean;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  again: boolean;
};

export type LoopState = {
  name: string;
  intervalMs: number;
  onDemand: boolean;
  /** When the loop was registered, or last completed a pass (with or without an error). */
  lastPassAt: number;
  lastError?: string;
  /** When the pass in progress started, if one is, and when it last reported progress (reportLoopProgress). */
  runningSince?: number;
  progressAt?: number;
};

const loops = processSingleton("loops", () => new Map<string, Loop>());
const states = processSingleton("loop-states", () => new Map<string, LoopState>());
const control = processSingleton("loop-control", () => ({ stopped: false }));
const currentLoop = processSingleton("current-loop", () => new AsyncLocalStorage<LoopState>());

/**
 * Called from inside a pass when it has done a unit of work (the dispatcher claiming a call): a long pass that
 * drains a backlog keeps reporting, one that hangs stops (/api/ready tells them apart).
 */
export function reportLoopProgress(): void {
  const state = currentLoop.getStore();
  if (state) state.progressAt = Date.now();
}

export function startLoop(name: string, intervalMs: number, tick: LoopTick): void {
  if (loops.has(name) || control.stopped) return;
  const loop: Loop = { name, tick, intervalMs, onDemand: false, again: false };
  register(loop);
  schedule(loop, intervalMs);
}

/** A loop that runs only when woken (web role): one pass per wake, coalesced while a pass runs. */
export function registerOnDemandLoop(name: string, tick: LoopTick): void {
  if (loops.has(name)) return;
  register({ name, tick, intervalMs: 0, onDemand: true, again: false });
}

function register(loop: Loop): void {
  loops.set(loop.name, loop);
  states.set(loop.name, {
    name: loop.name,
    intervalMs: loop.intervalMs,
    onDemand: loop.onDemand,
    lastPassAt: Date.now(),
  });
}

/** Runs the loop as soon as possible (coalesced: many wakes while it runs cause one more pass). */
export function wakeLoop(name: string): void {
  const loop = loops.get(name);
  if (!loop || control.stopped) return;
  if (loop.running) loop.again = true;
  else if (loop.onDemand) keepAlivePastResponse(run(loop));
  else schedule(loop, 0);
}

/** Stops one loop; a pass in progress finishes on its own. */
export function stopLoop(name: string): void {
  const loop = loops.get(name);
  if (loop?.timer) clearTimeout(loop.timer);
  loops.delete(name);
  states.delete(name);
}

/**
 * Shutdown: no loop starts another pass (and none can be started or woken), then waits for the passes in progress
 * to finish, at most `timeoutMs`. Returns the loops still running at the deadline.
 */
export async function drainLoops(timeoutMs: number): Promise<string[]> {
  control.stopped = true;
  for (const loop of loops.values()) if (loop.timer) clearTimeout(loop.timer);
  const running = [...loops.values()].filter((loop) => loop.running);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([Promise.all(running.map((loop) => loop.running)), deadline]);
  clearTimeout(timer);
  return running.filter((loop) => loop.running).map((loop) => loop.name);
}

/** True once shutdown has begun: nothing new should be started. */
export function loopsStopped(): boolean {
  return control.stopped;
}

/** One pass of the named loop now, awaited (the cron route). A pass already in progress is waited for instead. */
export async function runLoopOnce(name: string): Promise<{ error?: string }> {
  const loop = loops.get(name);
  if (!loop) throw new Error(`No loop named ${name}`);
  await (loop.running ?? run(loop, { reschedule: false }));
  return { error: states.get(name)?.lastError };
}

export function loopStates(): LoopState[] {
  return [...states.values()].map((state) => ({ ...state }));
}

/** Keeps the loop registered but never runs it again: how a loop that died looks from outside (tests). */
export function freezeLoopForTests(name: string): void {
  const loop = loops.get(name);
  if (!loop) return;
  if (loop.timer) clearTimeout(loop.timer);
  loop.tick = () => new Promise<boolean>(() => {});
}

/** Reopens the loops after drainLoops (tests that shut down and start again in one process). */
export function resetLoopsForTests(): void {
  for (const name of [...loops.keys()]) stopLoop(name);
  control.stopped = false;
}

function schedule(loop: Loop, delayMs: number): void {
  if (loop.timer) clearTimeout(loop.timer);
  if (control.stopped) return;
  loop.timer = setTimeout(() => void run(loop), delayMs);
  loop.timer.unref?.();
}

function run(loop: Loop, { reschedule = !loop.onDemand } = {}): Promise<void> {
  if (loop.running) return loop.running;
  if (loops.get(loop.name) !== loop || control.stopped) return Promise.resolve();
  loop.timer = undefined;
  loop.running = pass(loop, reschedule).finally(() => (loop.running = undefined));
  return loop.running;
}

async function pass(loop: Loop, reschedule: boolean): Promise<void> {
  const state = states.get(loop.name);
  if (state) state.runningSince = state.progressAt = Date.now();
  let busy = false;
  let error: string | undefined;
  try {
    const result = await (state ? currentLoop.run(state, loop.tick) : loop.tick());
    busy = result === true || (typeof result === "number" && result > 0);
  } catch (thrown) {
    error = (thrown as Error).message;
    logger("loops").error({ loop: loop.name, err: thrown }, `loop ${loop.name} failed`);
  }
  if (state)
    Object.assign(state, { lastPassAt: Date.now(), lastError: error, runningSince: undefined, progressAt: undefined });
  if (loops.get(loop.name) !== loop || control.stopped) return;
  const again = busy || loop.again;
  loop.again = false;
  if (reschedule) schedule(loop, again ? 0 : loop.intervalMs);
  // On demand: a wake that came during the pass gets one more pass (it may have admitted new work).
  else if (loop.onDemand && again) setImmediate(() => keepAlivePastResponse(run(loop)));
}

/**
 * Inside a request, Next's `after()` keeps the process (or serverless function) alive until the pass is done;
 * outside one (scripts, tests) the pass simply runs.
 */
function keepAlivePastResponse(work: Promise<void>): void {
  void import("next/server").then(({ after }) => after(work)).catch(() => undefined); // not in a request: nothing to extend
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
