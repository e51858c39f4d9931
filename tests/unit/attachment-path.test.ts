import { afterEach, describe, expect, it } from "vitest";

import { isPublicHttpsUrl } from "@/lib/net/public-url";
import { setHostResolverForTests } from "@/lib/net/resolve-host";
import { attachmentHostProblem } from "@/lib/sending/attachment-hosts";

afterEach(() => setHostResolverForTests(undefined));

describe("attachment `path`: the webhook URL policy", () => {
  it.each([
    "https://localhost./x",
    "https://LOCALHOST../x",
    "https://metadata.internal./x",
    "https://db.internal/x",
    "https://kubernetes.default.svc/x",
    "https://kubernetes.default.svc.cluster.local/x",
    "https://x.test/x",
    "https://127.0.0.1./x",
    "https://[::1]/x",
    "http://example.com/x",
  ])("refuses %s", (path) => {
    expect(isPublicHttpsUrl(path)).toBe(false);
  });

  it("accepts a public https URL", () => {
    expect(isPublicHttpsUrl("https://cdn.example.com/invoice.pdf")).toBe(true);
  });

  it("refuses a host whose DNS answers include a private address, accepts public answers", async () => {
    const answers: Record<string, string[]> = {
      "cdn.example.com": ["93.184.216.34"],
      "rebind.example.com": ["93.184.216.34", "10.0.0.7"],
      "meta.example.com": ["169.254.169.254"],
    };
    setHostResolverForTests(async (host) => {
      const list = answers[host];
      if (!list) throw new Error("ENOTFOUND");
      return list.map((address) => ({ address, family: 4 }));
    });
    const email = (path: string) => ({ attachments: [{ path }] });
    expect(await attachmentHostProblem([email("https://cdn.example.com/a.pdf")])).toBeUndefined();
    expect(await attachmentHostProblem([email("https://rebind.example.com/a.pdf")])).toMatch(/10\.0\.0\.7/);
    expect(await attachmentHostProblem([email("https://meta.example.com/a.pdf")])).toMatch(/169\.254\.169\.254/);
    expect(await attachmentHostProblem([email("https://nowhere.example.com/a.pdf")])).toMatch(/does not resolve/);
  });
});
