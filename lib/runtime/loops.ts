import { processSingleton } from "./singleton";

/**
 * The background loops of a server instance (dispatcher, debits, credit syncs, outbox, cleanup). Each loop
 * runs `tick` every `intervalMs`, and again at once while `tick` reports that it did work, so a backlog drains
 * at full speed while an idle loop costs one cheap query per interval. `wakeLoop` runs a loop now (e.g. the
 * dispatcher right after a send is admitted). Instances share the work through leases in the database, so a
 * tick must be safe to run in several processes at once.
 */

export type LoopTick = () => Promise<number | boolean>;

type Loop = {
  name: string;
  tick: LoopTick;
  intervalMs: number;
  timer?: NodeJS.Timeout;
  running: boolean;
  again: boolean;
};

const loops = processSingleton("loops", () => new Map<string, Loop>());

export function startLoop(name: string, intervalMs: number, tick: LoopTick): void {
  if (loops.has(name)) return;
  const loop: Loop = { name, tick, intervalMs, running: false, again: false };
  loops.set(name, loop);
  schedule(loop, intervalMs);
}

/** Runs the loop as soon as possible (coalesced: many wakes while it runs cause one more pass). */
export function wakeLoop(name: string): void {
  const loop = loops.get(name);
  if (!loop) return;
  if (loop.running) loop.again = true;
  else schedule(loop, 0);
}

export function stopLoop(name: string): void {
  const loop = loops.get(name);
  if (loop?.timer) clearTimeout(loop.timer);
  loops.delete(name);
}

export function stopAllLoops(): void {
  for (const name of [...loops.keys()]) stopLoop(name);
}

function schedule(loop: Loop, delayMs: number): void {
  if (loop.timer) clearTimeout(loop.timer);
  loop.timer = setTimeout(() => void run(loop), delayMs);
  loop.timer.unref?.();
}

async function run(loop: Loop): Promise<void> {
  if (loop.running || loops.get(loop.name) !== loop) return;
  loop.running = true;
  loop.timer = undefined;
  let busy = false;
  try {
    const result = await loop.tick();
    busy = result === true || (typeof result === "number" && result > 0);
  } catch (error) {
    console.error(`[${loop.name}]`, (error as Error).message);
  } finally {
    loop.running = false;
  }
  if (loops.get(loop.name) !== loop) return;
  const again = busy || loop.again;
  loop.again = false;
  schedule(loop, again ? 0 : loop.intervalMs);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
