/**
 * Group commit: items submitted while a group is being written wait and go together in the next one, so a burst
 * of N concurrent items costs a few statements instead of N. No timer: an item that arrives when a slot is free
 * is written at once. Each caller's promise settles only after the statement holding its item did. When a group's
 * statement fails, each of its items is written alone, so one bad item cannot fail the others.
 */

/** Written again in the next group (e.g. two items about the same row: one statement must not decide both). */
export const AGAIN = Symbol("again");
/** Written again after `busyRetryMs` (e.g. its row is locked by another transaction, not waited for). */
export const BUSY = Symbol("busy");

export type GroupWriter<I, O> = (items: I[]) => Promise<(O | typeof AGAIN | typeof BUSY)[]>;

type Waiting<I, O> = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void };

export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private running = 0;

  /** `write` answers one result per item, in order; at most `inFlight` groups of at most `maxGroup` at once. */
  constructor(
    private readonly write: GroupWriter<I, O>,
    private readonly options: { inFlight: number; maxGroup: number; busyRetryMs: number },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.options.inFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.options.maxGroup);
      this.running++;
      void this.writeGroup(group).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async writeGroup(group: Waiting<I, O>[]): Promise<void> {
    let results: (O | typeof AGAIN | typeof BUSY)[];
    try {
      results = await this.write(group.map((w) => w.item));
      if (results.length !== group.length) throw new Error("a group write must answer every item");
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      await Promise.all(group.map((w) => this.writeAlone(w)));
      return;
    }
    const again: Waiting<I, O>[] = [];
    const busy: Waiting<I, O>[] = [];
    for (const [index, waiting] of group.entries()) {
      const result = results[index]!;
      if (result === AGAIN) again.push(waiting);
      else if (result === BUSY) busy.push(waiting);
      else waiting.resolve(result);
    }
    // Left for a later group: back in line, ahead of newer items.
    this.waiting.unshift(...again);
    if (busy.length)
      setTimeout(() => {
        this.waiting.unshift(...busy);
        this.next();
      }, this.options.busyRetryMs);
  }

  private async writeAlone(waiting: Waiting<I, O>): Promise<void> {
    try {
      for (;;) {
        const [result] = await this.write([waiting.item]);
        if (result === AGAIN || result === undefined) throw new Error("a single item was left for later");
        if (result !== BUSY) return waiting.resolve(result);
        await new Promise((resolve) => setTimeout(resolve, this.options.busyRetryMs));
      }
    } catch (error) {
      waiting.reject(error);
    }
  }
}
