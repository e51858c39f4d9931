// Runs once when a server instance starts (Node.js runtime only): see lib/server-start.ts.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { recordSocketAddresses } = await import("@/lib/http/client-address");
    recordSocketAddresses();
    const { onServerStart } = await import("@/lib/server-start");
    await onServerStart("next");
  }
}
