import type { z } from "zod";

import type { HttpError } from "@/lib/errors";
import type { PublicRouteOptions } from "@/lib/http/public-api";

/**
 * One operation of the public API, declared once next to its resource's handlers (lib/api/*-operations.ts).
 * The route file serves it (`publicApi(operation, handler)` reads the access, body and path parameters from it);
 * the OpenAPI document, the docs page's endpoint table and the test server are derived from the list of them
 * (lib/api/operations.ts).
 */
export type ApiOperation<P = unknown> = PublicRouteOptions<P> & {
  /** The OpenAPI operationId. */
  id: string;
  summary: string;
  description?: string;
  /** The OpenAPI tag, and the docs page section the operation is listed in. */
  tag: ApiTag;
  /** Descriptions of path parameters, by name (every `{name}` of the path is a parameter). */
  pathParameters?: Record<string, string>;
  /** Query parameters: a zod object schema the handler parses, or OpenAPI parameters as they are. */
  query?: z.ZodType | OpenApiParameter[];
  /** The JSON body: the zod schema the handler parses, or a JSON Schema (e.g. a `$ref` to a component). */
  requestBody?: z.ZodType | Record<string, unknown>;
  response: {
    status?: 200 | 201;
    description: string;
    schema: z.ZodType;
    /** The answer carries the credit headers too (the sending operations). */
    creditHeaders?: boolean;
  };
  /**
   * The errors this operation answers beyond those of every operation with its access (a missing, invalid or
   * restricted key, the rate limit, an internal error). A function: some messages read the environment.
   */
  errors?: () => HttpError[];
};

export type ApiTag = "Emails" | "Suppressions" | "Domains" | "Webhooks";

export type OpenApiParameter = { name: string; in: "query"; schema: Record<string, unknown>; description?: string };

/** Declares an operation, inferring its path parameters' type from its `params` schema. */
export function operation<P = Record<string, never>>(declaration: ApiOperation<P>): ApiOperation<P> {
  return declaration;
}

/** `/emails/{id}/cancel` → ["id"]. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
}

/** The docs page's "Key" column: which API keys may call it. */
export function accessLabel(access: ApiOperation["access"]): string {
  return access === "sending" ? "sending or full" : "full";
}
