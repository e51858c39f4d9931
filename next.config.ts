import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder; the database drivers stay external.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg"],
  poweredByHeader: false,
  // Keep the emulators and scripts out of the app's type check during `next build` (they have their own).
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default nextConfig;
