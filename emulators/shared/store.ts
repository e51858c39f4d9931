import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

/**
 * A JSON document persisted to `<stateDir>/<name>.json` (atomic rename), or kept in memory when stateDir
 * is undefined. Mutations call `save()`; writes are coalesced to one per tick so hot paths stay fast.
 */
export class JsonStore<T> {
  data: T;
  private pending = false;
  private readonly file: string | undefined;

  constructor(stateDir: string | undefined, name: string, private readonly initial: () => T) {
    this.file = stateDir ? join(stateDir, `${name}.json`) : undefined;
    if (stateDir) mkdirSync(stateDir, { recursive: true });
    this.data = this.file && existsSync(this.file) ? (JSON.parse(readFileSync(this.file, "utf8")) as T) : initial();
  }

  save(): void {
    if (!this.file || this.pending) return;
    this.pending = true;
    queueMicrotask(() => this.flush());
  }

  flush(): void {
    this.pending = false;
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, this.file);
  }

  reset(): void {
    this.data = this.initial();
    this.flush();
  }
}
