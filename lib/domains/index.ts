export {
  addDomain,
  CLAIM_TTL_MS,
  DOMAIN_REGIONS,
  MAX_DOMAINS_PER_CUSTOMER,
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
  DomainLimitError,
  DomainNotFoundError,
  DomainProviderError,
  DomainTakenError,
  InvalidDomainError,
  SenderNotAllowedError,
} from "./errors";
export { domainOfAddress, normalizeDomain, sharedSenderDomain } from "./names";
export { toApiDomain, toApiDomainListItem } from "./api-shape";
