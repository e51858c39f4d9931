import { domainOperations } from "./domains-operations";
import { emailOperations } from "./emails-operations";
import type { ApiOperation } from "./operation";
import { suppressionOperations } from "./suppressions-operations";
import { webhookOperations } from "./webhooks-operations";

/**
 * Every operation of the public API, in the order the OpenAPI document and the docs page list them. Each route
 * file under app/api serves one or more of them (tests/integration/api-operations.test.ts checks both ways).
 */
export const PUBLIC_API_OPERATIONS: readonly ApiOperation[] = [
  ...Object.values(emailOperations),
  ...Object.values(suppressionOperations),
  ...Object.values(domainOperations),
  ...Object.values(webhookOperations),
];

/** `/emails/{id}` → `app/api/emails/[id]/route.ts`: where Next.js finds the route serving a path. */
export function routeFileOf(path: string): string {
  return `app/api${path.replace(/\{([^}]+)\}/g, "[$1]")}/route.ts`;
}
