import type { Metadata } from "next";

import { AddDomainForm } from "@/components/domains/add-domain-form";
import { DomainStatusBadge } from "@/components/domains/domain-status";
import { VerifyDomainButton } from "@/components/domains/verify-button";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { CopyButton } from "@/components/ui/copy-button";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { listDomains, MAX_DOMAINS_PER_CUSTOMER, sharedSenderDomain, type DomainView } from "@/lib/domains";

import { addDomainAction, removeDomainAction, verifyDomainAction } from "./actions";

export const metadata: Metadata = { title: "Domains" };
export const dynamic = "force-dynamic";

export default async function DomainsPage() {
  const user = await requireUser("/dashboard/domains");
  const domains = await listDomains(user.id);
  const verified = domains.filter((d) => d.status === "verified");
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Domains</h1>
        <p className="text-sm text-gray-500">
          Send from your own domain: add it, publish the DNS records below at your DNS provider, then verify. Every{" "}
          <code>from</code> address must be on one of your verified domains.
        </p>
      </div>

      {verified.length === 0 ? (
        <Alert tone="info" title="No verified domain yet">
          Until one is verified you can try MailKit from <code>{sharedSenderDomain()}</code>, to your own address (
          {user.email}) only.
        </Alert>
      ) : null}

      <Card>
        <CardHeader
          title="Add a domain"
          description={`A subdomain such as mail.example.com keeps your root domain's reputation separate. An account can have up to ${MAX_DOMAINS_PER_CUSTOMER} domains.`}
        />
        <CardBody>
          <AddDomainForm action={addDomainAction} />
        </CardBody>
      </Card>

      {domains.length === 0 ? (
        <Card>
          <p className="px-6 py-5 text-sm text-gray-500" data-testid="no-domains">
            No domains yet.
          </p>
        </Card>
      ) : (
        domains.map((domain) => <DomainCard key={domain.id} domain={domain} />)
      )}
    </>
  );
}

function DomainCard({ domain }: { domain: DomainView }) {
  const verified = domain.status === "verified";
  return (
    <Card>
      <section aria-label={domain.name} data-testid="domain-card" data-domain={domain.name}>
        <div className="flex flex-wrap items-start justify-between gap-3 border-b border-gray-200 px-6 py-4">
          <div className="min-w-0">
            <h2 className="flex flex-wrap items-center gap-2 text-base font-semibold text-gray-900">
              <span className="break-all">{domain.name}</span>
              <span data-testid="domain-status">
                <DomainStatusBadge status={domain.status} />
              </span>
            </h2>
            <p className="mt-1 text-xs text-gray-500">
              {domain.region} · added <LocalTime date={domain.createdAt} />
              {domain.verifiedAt ? (
                <>
                  {" "}
                  · verified <LocalTime date={domain.verifiedAt} />
                </>
              ) : null}
            </p>
          </div>
          <div className="flex flex-wrap items-start gap-2">
            <VerifyDomainButton action={verifyDomainAction} id={domain.id} name={domain.name} verified={verified} />
            <ConfirmForm
              action={removeDomainAction}
              fields={{ id: domain.id }}
              trigger={
                <>
                  Remove<span className="sr-only"> {domain.name}</span>
                </>
              }
              title={`Remove ${domain.name}?`}
              description={
                <p>
                  Emails from <code>@{domain.name}</code> are refused from now on. You can add the domain again later;
                  it will need to be verified again.
                </p>
              }
              confirmLabel="Remove domain"
              success={`${domain.name} removed`}
              testId="remove-domain"
            />
          </div>
        </div>
        {statusHint(domain) ? <p className="px-6 pt-4 text-sm text-gray-600">{statusHint(domain)}</p> : null}
        {domain.claimExpiresAt ? (
          <p className="px-6 pt-2 text-sm text-gray-600" data-testid="claim-expiry">
            Verify it by <LocalTime date={domain.claimExpiresAt} />: a domain not verified within 72 hours of being
            added is removed, and anyone can add the name again.
          </p>
        ) : null}
        <CardBody>
          <Table
            stack
            head={
              <>
                <Th inset>Type</Th>
                <Th inset>Name</Th>
                <Th inset>Value</Th>
                <Th inset>TTL</Th>
                <Th inset>Status</Th>
              </>
            }
          >
            {domain.records.map((record) => (
              <tr key={`${record.record}-${record.type}-${record.name}`} data-testid="dns-record">
                <Td inset label="Type" className="whitespace-nowrap">
                  <span className="font-medium">{record.type}</span>{" "}
                  <span className="text-xs text-gray-500">
                    {record.record}
                    {record.priority !== undefined ? ` · priority ${record.priority}` : ""}
                  </span>
                </Td>
                <Td inset label="Name">
                  <span className="flex items-center gap-2">
                    <code className="break-all font-mono text-xs">{record.name}</code>
                    <CopyButton value={record.name} label="Copy" />
                  </span>
                </Td>
                <Td inset label="Value" className="max-w-md">
                  <span className="flex items-start gap-2">
                    <code className="line-clamp-3 min-w-0 break-all font-mono text-xs" title={record.value}>
                      {record.value}
                    </code>
                    <CopyButton value={record.value} label="Copy" />
                  </span>
                </Td>
                <Td inset label="TTL">
                  {record.ttl}
                </Td>
                <Td inset label="Status">
                  <span data-testid="dns-record-status">
                    <DomainStatusBadge status={record.status} />
                  </span>
                </Td>
              </tr>
            ))}
          </Table>
        </CardBody>
      </section>
    </Card>
  );
}

function statusHint(domain: DomainView): string | null {
  switch (domain.status) {
    case "not_started":
      return "Publish these records at your DNS provider, then press Verify.";
    case "pending":
      return "Checking the DNS records. DNS changes can take a while to spread; this page updates on its own.";
    case "failed":
      return "The records were not found. Check them at your DNS provider, then verify again.";
    case "temporary_failure":
      return "The records could not be found at the last check; sending from this domain is paused until Resend finds them again.";
    default:
      return null;
  }
}
