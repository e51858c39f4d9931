import type { Metadata } from "next";
import Link from "next/link";

import { CreateKeyForm } from "@/components/sending/create-key-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { listApiKeys } from "@/lib/keys/api-keys";
import { requireUser } from "@/lib/auth/session";
import { apiBaseUrl, snippetAddresses } from "@/lib/dashboard/snippets";
import { verifiedDomainNames } from "@/lib/domains/sender";
import { getEnv } from "@/lib/env";
import { formatNumber } from "@/lib/format";
import { requestCountsByKey } from "@/lib/request-log";

import { createKeyAction, renameKeyAction, revokeKeyAction } from "./actions";
import { RenameKeyForm } from "./rename-key-form";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

export default async function KeysPage() {
  const user = await requireUser("/dashboard/keys");
  const [keys, counts, domains] = await Promise.all([
    listApiKeys(user.id),
    requestCountsByKey(user.id),
    verifiedDomainNames(user.id),
  ]);
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold tracking-tight">API keys</h1>
        <p className="text-sm text-gray-500">
          Send from your own code with the official <code>resend</code> SDK pointed at MailKit. See the{" "}
          <Link className="font-medium text-brand-700" href="/dashboard/docs">
            API reference
          </Link>
          .
        </p>
      </div>

      <Card>
        <CardHeader
          title="Create a key"
          description="Full access can send and read your emails; sending only can just send, from any of your verified domains or only the one you choose."
        />
        <CardBody>
          <CreateKeyForm
            action={createKeyAction}
            apiBase={apiBaseUrl(getEnv().APP_URL)}
            addresses={snippetAddresses(user, getEnv().EMAIL_FROM)}
            domains={domains}
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Your keys" />
        {keys.length === 0 ? (
          <p className="px-6 py-5 text-sm text-gray-500">No keys yet.</p>
        ) : (
          <Table
            stack
            head={
              <>
                <Th>Name</Th>
                <Th>Key</Th>
                <Th>Permission</Th>
                <Th>Requests (30 days)</Th>
                <Th>Last used</Th>
                <Th>Created</Th>
                <Th />
              </>
            }
          >
            {keys.map((key) => (
              <tr key={key.id} data-testid="api-key-row" className={key.revokedAt ? "text-gray-500" : ""}>
                <Td className={`whitespace-nowrap font-medium ${key.revokedAt ? "line-through" : ""}`}>{key.name}</Td>
                <Td label="Key" className="font-mono text-xs">
                  {key.prefix}…
                </Td>
                <Td label="Permission">
                  <Badge tone={key.permission === "full_access" ? "blue" : "gray"}>
                    {key.permission === "full_access" ? "Full access" : "Sending only"}
                  </Badge>
                  {key.domain ? <span className="ml-1 text-xs text-gray-600">from {key.domain} only</span> : null}
                </Td>
                <Td label="Requests (30 days)">
                  <Link
                    className="font-medium text-brand-700 tabular-nums"
                    href={`/dashboard/logs?key=${encodeURIComponent(key.id)}`}
                    data-testid="api-key-requests"
                  >
                    {formatNumber(counts.get(key.id)?.total ?? 0)}
                    <span className="sr-only"> requests by {key.name}</span>
                  </Link>
                  {counts.get(key.id)?.failed ? (
                    <span className="ml-1 text-xs text-red-700">({counts.get(key.id)!.failed} failed)</span>
                  ) : null}
                </Td>
                <Td label="Last used">{key.lastUsedAt ? <LocalTime date={key.lastUsedAt} /> : "Never"}</Td>
                <Td label="Created">
                  <LocalTime date={key.createdAt} />
                </Td>
                <Td align="right">
                  <div className="flex flex-wrap items-start justify-end gap-1">
                    <RenameKeyForm action={renameKeyAction} id={key.id} name={key.name} />
                    {key.revokedAt ? (
                      <Badge tone="red">Revoked</Badge>
                    ) : (
                      <ConfirmForm
                        action={revokeKeyAction}
                        fields={{ id: key.id }}
                        trigger={
                          <>
                            Revoke<span className="sr-only"> {key.name}</span>
                          </>
                        }
                        title={`Revoke “${key.name}”?`}
                        description={
                          <p>
                            Requests with <code>{key.prefix}…</code> are refused at once (401). This cannot be undone;
                            create a new key to replace it.
                          </p>
                        }
                        confirmLabel="Revoke key"
                        success={`Key “${key.name}” revoked`}
                        testId="revoke-api-key"
                      />
                    )}
                  </div>
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}
