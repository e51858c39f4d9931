import { describe, expect, it } from "vitest";

import { AGAIN, BUSY, GroupCommit } from "@/lib/runtime/group-commit";

/** A writer that records each group it was given and answers each item doubled (or fails on "bad"). */
function recordingWriter() {
  const groups: number[][] = [];
  let release: () => void = () => {};
  const gate = () => new Promise<void>((resolve) => (release = resolve));
  let blocked: Promise<void> | undefined = gate();
  const write = async (items: number[]) => {
    groups.push(items);
    if (blocked) await blocked;
    if (items.includes(-1) && items.length > 1) throw new Error("bad group");
    if (items.length === 1 && items[0] === -1) throw new Error("bad item");
    return items.map((n) => n * 2);
  };
  return {
    groups,
    write,
    open() {
      blocked = undefined;
      release();
    },
  };
}

describe("group commit", () => {
  it("writes the items that arrive while a group is written together, and answers each with its own result", async () => {
    const writer = recordingWriter();
    const commit = new GroupCommit(writer.write, { inFlight: 1, maxGroup: 10, busyRetryMs: 5 });
    const answers = Promise.all([1, 2, 3, 4].map((n) => commit.submit(n)));
    writer.open();
    expect(await answers).toEqual([2, 4, 6, 8]);
    expect(writer.groups).toEqual([[1], [2, 3, 4]]);
  });

  it("writes each item of a failed group alone, so only the bad one fails", async () => {
    const writer = recordingWriter();
    const commit = new GroupCommit(writer.write, { inFlight: 1, maxGroup: 10, busyRetryMs: 5 });
    const answers = [0, 5, -1, 7].map((n) => commit.submit(n).catch((error: Error) => error.message));
    writer.open();
    expect(await Promise.all(answers)).toEqual([0, 10, "bad item", 14]);
  });

  it("puts items the writer leaves for later into the next group", async () => {
    const groups: number[][] = [];
    const commit = new GroupCommit(
      async (items: number[]) => {
        groups.push(items);
        // Of equal items only the first is written in a group (as two events about one send).
        return items.map((n, i) => (items.indexOf(n) < i ? AGAIN : n));
      },
      { inFlight: 1, maxGroup: 10, busyRetryMs: 5 },
    );
    expect(await Promise.all([1, 3, 3, 3].map((n) => commit.submit(n)))).toEqual([1, 3, 3, 3]);
    expect(groups).toEqual([[1], [3, 3, 3], [3, 3], [3]]);
  });

  it("writes an item the writer found busy again a little later, alone or with others", async () => {
    let busyTimes = 2;
    const commit = new GroupCommit(
      async (items: number[]) => items.map((n) => (n === 9 && busyTimes-- > 0 ? BUSY : n)),
      { inFlight: 1, maxGroup: 10, busyRetryMs: 5 },
    );
    expect(await Promise.all([9, 1].map((n) => commit.submit(n)))).toEqual([9, 1]);
    expect(busyTimes).toBe(-1);
  });
});
