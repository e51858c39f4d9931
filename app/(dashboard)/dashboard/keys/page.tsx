import type { Metadata } from "next";
import Link from "next/link";

import { CreateKeyForm } from "@/components/sending/create-key-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { listApiKeys } from "@/lib/api/keys";
import { requireUser } from "@/lib/auth/session";
import { apiBaseUrl, snippetAddresses } from "@/lib/dashboard/snippets";
import { getEnv } from "@/lib/env";

import { createKeyAction, revokeKeyAction } from "./actions";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

export default async function KeysPage() {
  const user = await requireUser("/dashboard/keys");
  const keys = await listApiKeys(user.id);
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
          description="Full access can send and read your emails; sending only can just send."
        />
        <CardBody>
          <CreateKeyForm
            action={createKeyAction}
            apiBase={apiBaseUrl(getEnv().APP_URL)}
            addresses={snippetAddresses(user, getEnv().EMAIL_FROM)}
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
                </Td>
                <Td label="Last used">{key.lastUsedAt ? <LocalTime date={key.lastUsedAt} /> : "Never"}</Td>
                <Td label="Created">
                  <LocalTime date={key.createdAt} />
                </Td>
                <Td align="right">
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
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}
