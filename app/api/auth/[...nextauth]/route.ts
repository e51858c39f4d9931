export const { GET, POST } = (await import("@/lib/auth")).handlers;
