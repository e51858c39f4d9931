import type { NextConfig } from "next";

import { API_CSP, commonSecurityHeaders } from "./lib/http/security-headers";

// Read at build time: routes outside proxy.ts (webhooks, the public API's send routes) get HSTS when the build's
// APP_URL is https. Pages and every other route get their headers from proxy.ts at request time.
const https = (process.env.APP_URL ?? "").startsWith("https:");
const asList = (headers: Record<string, string>) => Object.entries(headers).map(([key, value]) => ({ key, value }));

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder; the database drivers stay external.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg"],
  poweredByHeader: false,
  // `npm test` and `npm run typecheck` run tsc over the whole project; skipping it here halves build time.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      { source: "/:path*", headers: asList(commonSecurityHeaders({ https })) },
      { source: "/api/:path*", headers: asList({ "content-security-policy": API_CSP }) },
    ];
  },
};

export default nextConfig;
