import { UnsafeUrlError } from "@/lib/net/public-url";
import { resolvePublicAddresses } from "@/lib/net/resolve-host";

// Server-only (DNS): kept apart from mime-fields.ts, which the composer's schema bundles for the browser.

/**
 * The DNS half of the attachment `path` policy (the webhook guard's, lib/net/public-url.ts): every address each
 * path's host resolves to must be public. Undefined when all pass, else the refusal naming the path.
 */
export async function attachmentHostProblem(
  emails: { attachments?: { path?: string }[] }[],
): Promise<string | undefined> {
  const hosts = new Set<string>();
  for (const email of emails)
    for (const a of email.attachments ?? []) if (a.path) hosts.add(new URL(a.path).hostname.replace(/\.+$/, ""));
  for (const host of hosts) {
    try {
      await resolvePublicAddresses(host, { allowLoopback: false });
    } catch (error) {
      if (error instanceof UnsafeUrlError) return `Invalid \`attachments\` field: \`path\`: ${error.message}`;
      throw error;
    }
  }
  return undefined;
}
