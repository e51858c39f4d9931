import type { Domain, GetDomainResponseSuccess } from "resend";

import type { DomainView } from "./service";

/** A domain in Resend's wire shape (GET /domains/{id}), with MailKit's id, for the public API. */
export function toApiDomain(domain: DomainView) {
  const body: Omit<GetDomainResponseSuccess, "status" | "records" | "region"> & {
    status: string;
    region: string;
    records: DomainView["records"];
  } = {
    object: "domain",
    ...toApiDomainListItem(domain),
    records: domain.records,
  };
  return body;
}

/** A domain as Resend lists it (no records). */
export function toApiDomainListItem(domain: DomainView) {
  const item: Omit<Domain, "status" | "region"> & { status: string; region: string } = {
    id: domain.id,
    name: domain.name,
    status: domain.status,
    created_at: domain.createdAt.toISOString(),
    region: domain.region,
    capabilities: { sending: "enabled", receiving: "disabled" },
  };
  return item;
}
