import type { Metadata } from "next";
import Link from "next/link";

import { CreateKeyForm } from "@/components/sending/create-key-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
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
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-gray-500">
                <tr>
                  <th className="px-6 py-2 font-medium">Name</th>
                  <th className="px-6 py-2 font-medium">Key</th>
                  <th className="px-6 py-2 font-medium">Permission</th>
                  <th className="px-6 py-2 font-medium">Last used</th>
                  <th className="px-6 py-2 font-medium">Created</th>
                  <th className="px-6 py-2" />
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {keys.map((key) => (
                  <tr key={key.id} data-testid="api-key-row" className={key.revokedAt ? "text-gray-400" : ""}>
                    <td className="px-6 py-3 font-medium">{key.name}</td>
                    <td className="px-6 py-3 font-mono text-xs">{key.prefix}…</td>
                    <td className="px-6 py-3">
                      <Badge tone={key.permission === "full_access" ? "blue" : "gray"}>
                        {key.permission === "full_access" ? "Full access" : "Sending only"}
                      </Badge>
                    </td>
                    <td className="whitespace-nowrap px-6 py-3">
                      {key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "Never"}
                    </td>
                    <td className="whitespace-nowrap px-6 py-3">{formatDateTime(key.createdAt)}</td>
                    <td className="px-6 py-3 text-right">
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
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
