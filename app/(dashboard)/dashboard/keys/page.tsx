import type { Metadata } from "next";
import Link from "next/link";

import { CreateKeyForm } from "@/components/sending/create-key-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { listApiKeys } from "@/lib/api/keys";
import { requireUser } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";

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
          <CreateKeyForm action={createKeyAction} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Your keys" />
        {keys.length === 0 ? (
          <p className="px-6 py-5 text-sm text-gray-500">No keys yet.</p>
        ) : (
          <Table
            scroll
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
              <tr key={key.id} data-testid="api-key-row" className={key.revokedAt ? "text-gray-400" : ""}>
                <Td className="font-medium">{key.name}</Td>
                <Td className="font-mono text-xs">{key.prefix}…</Td>
                <Td>
                  <Badge tone={key.permission === "full_access" ? "blue" : "gray"}>
                    {key.permission === "full_access" ? "Full access" : "Sending only"}
                  </Badge>
                </Td>
                <Td className="whitespace-nowrap">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "Never"}</Td>
                <Td className="whitespace-nowrap">{formatDateTime(key.createdAt)}</Td>
                <Td align="right">
                  {key.revokedAt ? (
                    <Badge tone="red">Revoked</Badge>
                  ) : (
                    <form action={revokeKeyAction}>
                      <input type="hidden" name="id" value={key.id} />
                      <Button type="submit" variant="danger" size="sm" data-testid="revoke-api-key">
                        Revoke
                      </Button>
                    </form>
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
