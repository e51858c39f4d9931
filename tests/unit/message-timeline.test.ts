import { describe, expect, it } from "vitest";

import { withConsistentTimes } from "@/components/sending/message-timeline";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

describe("the message timeline's times follow its steps", () => {
  it("an acceptance recorded 300 ms after the provider's `sent` is shown no later than `sent`", () => {
    const entries = withConsistentTimes([
      { key: "created", at: at(0) },
      { key: "accepted", at: at(500) },
      { key: "e1", at: at(200) }, // email.sent, by the provider's clock
      { key: "e2", at: at(900) }, // email.delivered
    ]);
    const times = entries.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(entries[1]!.at).toEqual(at(200));
    expect(entries[2]!.at).toEqual(at(200)); // provider events keep their own times
  });

  it("leaves times that are already in order alone", () => {
    const entries = withConsistentTimes([
      { key: "created", at: at(0) },
      { key: "accepted", at: at(100) },
      { key: "e1", at: at(200) },
    ]);
    expect(entries.map((e) => e.at)).toEqual([at(0), at(100), at(200)]);
  });
});
