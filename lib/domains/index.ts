export {
  addDomain,
  DOMAIN_REGIONS,
  getDomain,
  listDomains,
  refreshDomain,
  removeDomain,
  toDomainView,
  verifyDomain,
  type DnsRecord,
  type DomainView,
} from "./service";
export { assertSendersAllowed, verifiedDomainNames, type SenderCheckEmail } from "./sender";
export { applyDomainEvent, DOMAINS_LOOP, pollDomains } from "./sync";
export {
  DomainError,
  DomainNotFoundError,
  DomainProviderError,
  DomainTakenError,
  InvalidDomainError,
  SenderNotAllowedError,
} from "./errors";
export { domainOfAddress, normalizeDomain, sharedSenderDomain } from "./names";
export { toApiDomain, toApiDomainListItem } from "./api-shape";
