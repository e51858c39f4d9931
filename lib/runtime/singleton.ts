/**
 * One value per process, kept on globalThis. Next.js bundles route handlers, instrumentation and server
 * components separately and hot reload re-evaluates modules, so a plain module-level variable can exist
 * several times in one process; state that must be unique (queues, timers, registries) lives here instead.
 */
const store = globalThis as unknown as { __mailkit?: Map<string, unknown> };

export function processSingleton<T>(name: string, create: () => T): T {
  store.__mailkit ??= new Map();
  if (!store.__mailkit.has(name)) store.__mailkit.set(name, create());
  return store.__mailkit.get(name) as T;
}

/** A per-process value created on first use, which tests (or a failed creation) can drop to be created again. */
export function processLazy<T>(name: string, create: () => T): { get(): T; set(value: T): void; reset(): void } {
  const slot = processSingleton(name, (): { value?: T } => ({}));
  return {
    get: () => (slot.value ??= create()),
    set: (value) => {
      slot.value = value;
    },
    reset: () => {
      slot.value = undefined;
    },
  };
}
