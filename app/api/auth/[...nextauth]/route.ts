// /api/auth/* – Auth.js (magic links by email), its sign-in POST throttled like the sign-in page
import { authRoutes } from "@/lib/http/auth-route";

const { handlers } = await import("@/lib/auth");

export const { GET, POST } = authRoutes(handlers);
