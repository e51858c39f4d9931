import { describe, expect, it } from "vitest";

import { bareAddress, costOf, distinctRecipients } from "@/lib/mail/recipients";
import { isAccepted, isOpen, lastEventOf, STATUS_BY_EVENT } from "@/lib/mail/status";

describe("recipients and cost", () => {
  it("accepts bare and named addresses, lower-cased", () => {
    expect(bareAddress("Ada@Example.COM")).toBe("ada@example.com");
    expect(bareAddress("Ada Lovelace <Ada@Example.com>")).toBe("ada@example.com");
    expect(bareAddress('"Lovelace, Ada" <ada@example.com>')).toBe("ada@example.com");
    expect(bareAddress("  ada@example.com  ")).toBe("ada@example.com");
  });

  it("refuses what is not an address", () => {
    for (const bad of [
      "",
      "ada",
      "ada@",
      "@example.com",
      "ada@localhost",
      "Ada <ada@example.com",
      "a b@example.com",
      "ada@example.com\r\nBcc: x@y.z",
    ]) {
      expect(bareAddress(bad), bad).toBeUndefined();
    }
  });

  it("costs one credit per distinct recipient across to, cc and bcc, case-insensitively", () => {
    const email = {
      to: ["A@x.com", "a@x.com", "Bee <b@x.com>"],
      cc: ["B@X.COM", "c@x.com"],
      bcc: ["d@x.com", "A@X.com"],
    };
    expect(distinctRecipients(email)).toEqual(["a@x.com", "b@x.com", "c@x.com", "d@x.com"]);
    expect(costOf(email)).toBe(4);
    expect(costOf({ to: ["one@x.com"] })).toBe(1);
    expect(costOf({ to: ["one@x.com"], cc: null, bcc: undefined })).toBe(1);
  });
});

describe("send statuses", () => {
  it("separates open, accepted and failed sends", () => {
    expect(isOpen("queued") && isOpen("unknown")).toBe(true);
    expect(isOpen("sent") || isOpen("failed")).toBe(false);
    expect(["sent", "delivered", "bounced", "complained", "suppressed", "delivery_delayed"].every(isAccepted)).toBe(
      true,
    );
    expect(isAccepted("failed") || isAccepted("unknown")).toBe(false);
  });

  it("maps to Resend's last_event and from webhook types", () => {
    expect(lastEventOf("unknown")).toBe("queued");
    expect(lastEventOf("delivered")).toBe("delivered");
    expect(STATUS_BY_EVENT["email.bounced"]).toBe("bounced");
    expect(STATUS_BY_EVENT["email.opened"]).toBeUndefined();
  });
});
