import type { NextConfig } from "next";

import { API_CSP, commonSecurityHeaders } from "./lib/http/security-headers";

// Fixed at build time, so without HSTS: that depends on the running server's APP_URL and is added per request
// (lib/http/client-address.ts for every response, proxy.ts for pages).
const asList = (headers: Record<string, string>) => Object.entries(headers).map(([key, value]) => ({ key, value }));

const nextConfig: NextConfig = {
  // A self-contained server (.next/standalone/server.js with only the node_modules it uses): what the container
  // runs. scripts/build-standalone.ts completes it with the static files and the migrations.
  output: "standalone",
  // PGlite loads its WASM and data files from its own package folder; the database drivers stay external.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg"],
  poweredByHeader: false,
  // `npm test` and `npm run typecheck` run tsc over the whole project; skipping it here halves build time.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      { source: "/:path*", headers: asList(commonSecurityHeaders({ https: false })) },
      { source: "/api/:path*", headers: asList({ "content-security-policy": API_CSP }) },
    ];
  },
};

export default nextConfig;
