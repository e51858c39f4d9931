import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { pathParameterNames, type ApiOperation } from "@/lib/api/operation";
import { PUBLIC_API_OPERATIONS, routeFileOf } from "@/lib/api/operations";

/**
 * The public API's operation list and its route files agree both ways: every operation is served by the route
 * file its path names, with the exported method built from that very operation, and every route file under
 * app/api that is not one of MailKit's own endpoints serves only operations of the list.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Route files that are MailKit's own endpoints (sign-in, billing, probes, the provider receivers), not the API. */
const OWN_ENDPOINTS = new Set([
  "app/api/auth/[...nextauth]/route.ts",
  "app/api/billing/portal/route.ts",
  "app/api/checkout/subscribe/route.ts",
  "app/api/checkout/topup/route.ts",
  "app/api/cron/route.ts",
  "app/api/health/route.ts",
  "app/api/live/route.ts",
  "app/api/metrics/route.ts",
  "app/api/openapi.json/route.ts",
  "app/api/ready/route.ts",
  "app/api/webhooks/dodo/route.ts",
  "app/api/webhooks/resend/route.ts",
]);

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

type RouteModule = Record<string, unknown>;
type LoadRoute = (file: string) => Promise<RouteModule | null>;

async function loadRoute(file: string): Promise<RouteModule | null> {
  if (!existsSync(path.join(root, file))) return null;
  return (await import(path.join(root, file))) as RouteModule;
}

function operationOf(handler: unknown): unknown {
  return typeof handler === "function" ? (handler as { operation?: unknown }).operation : undefined;
}

/** Operations whose route file is missing, lacks the method, or serves it from another declaration. */
async function operationsWithoutRoute(operations: readonly ApiOperation[], load: LoadRoute): Promise<string[]> {
  const problems: string[] = [];
  for (const operation of operations) {
    const file = routeFileOf(operation.path);
    const routeModule = await load(file);
    const name = `${operation.method} ${operation.path} (${operation.id})`;
    if (!routeModule) problems.push(`${name}: no ${file}`);
    else if (!routeModule[operation.method]) problems.push(`${name}: ${file} exports no ${operation.method}`);
    else if (operationOf(routeModule[operation.method]) !== operation)
      problems.push(`${name}: ${file}'s ${operation.method} is not publicApi(${operation.id}'s operation)`);
  }
  return problems;
}

/** Methods exported by public route files that no operation of the list declares. */
async function routesOutsideList(
  files: string[],
  operations: readonly ApiOperation[],
  load: LoadRoute,
): Promise<string[]> {
  const declared = new Set(operations);
  const problems: string[] = [];
  for (const file of files.filter((file) => !OWN_ENDPOINTS.has(file))) {
    const routeModule = (await load(file)) ?? {};
    for (const method of HTTP_METHODS.filter((method) => method in routeModule))
      if (!declared.has(operationOf(routeModule[method]) as ApiOperation))
        problems.push(`${file}: ${method} is not an operation of lib/api/operations.ts`);
  }
  return problems;
}

function routeFiles(): string[] {
  return readdirSync(path.join(root, "app/api"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name === "route.ts")
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

describe("the public API's operation list", () => {
  it("names each operation once, with a path parameter schema for every path with parameters", () => {
    const ids = PUBLIC_API_OPERATIONS.map((operation) => operation.id);
    expect(new Set(ids).size).toBe(ids.length);
    const endpoints = PUBLIC_API_OPERATIONS.map((operation) => `${operation.method} ${operation.path}`);
    expect(new Set(endpoints).size).toBe(endpoints.length);
    for (const operation of PUBLIC_API_OPERATIONS)
      expect(Boolean(operation.params), operation.id).toBe(pathParameterNames(operation.path).length > 0);
  });

  it("has a route file exporting each operation's method, built from that operation", async () => {
    expect(await operationsWithoutRoute(PUBLIC_API_OPERATIONS, loadRoute)).toEqual([]);
  });

  it("lists every method of every public route file under app/api", async () => {
    expect(await routesOutsideList(routeFiles(), PUBLIC_API_OPERATIONS, loadRoute)).toEqual([]);
  });

  it("reports an operation without its route and a route outside the list", async () => {
    const listed = PUBLIC_API_OPERATIONS[0]!;
    const unserved = { ...listed, id: "archiveEmail", method: "POST", path: "/emails/{id}/archive" } as const;
    const handler = Object.assign(async () => new Response(), { operation: listed });
    const stranger = Object.assign(async () => new Response(), { operation: unserved });
    const files: Record<string, RouteModule> = {
      [routeFileOf(listed.path)]: { [listed.method]: handler, DELETE: stranger },
    };
    const load: LoadRoute = async (file) => files[file] ?? null;

    expect(await operationsWithoutRoute([listed, unserved], load)).toEqual([
      "POST /emails/{id}/archive (archiveEmail): no app/api/emails/[id]/archive/route.ts",
    ]);
    expect(await routesOutsideList(Object.keys(files), [listed], load)).toEqual([
      "app/api/emails/route.ts: DELETE is not an operation of lib/api/operations.ts",
    ]);
  });
});
