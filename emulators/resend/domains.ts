import { randomBytes, randomUUID } from "node:crypto";
import type {
  CreateDomainResponseSuccess,
  Domain,
  DomainCapabilities,
  DomainCreatedEvent,
  DomainDkimRecord,
  DomainRecordStatus,
  DomainRecords,
  DomainRegion,
  DomainSpfRecord,
  GetDomainResponseSuccess,
  ListDomainsResponseSuccess,
  RemoveDomainsResponseSuccess,
  UpdateDomainsResponseSuccess,
  VerifyDomainsResponseSuccess,
} from "resend";

import { errors, resendError, type ApiResult } from "./errors";
import type { ResendStore } from "./store";
import { addressOf } from "./validation";
import type { WebhookRegistry } from "./webhooks";

/**
 * Resend's Domains API (`/domains`) as the SDK types it, with a simulated DNS: each domain's records are
 * `unpublished` until the control plane publishes them (or breaks them). Status follows Resend:
 *   create → not_started (records not_started) · POST /domains/{id}/verify → pending, then a DNS check:
 *   published → verified, broken → failed, unpublished → stays pending (Resend keeps checking).
 *   A verified domain whose records break → failed (or temporary_failure when asked), republished → verified.
 * Every status change sends a `domain.updated` webhook; create and remove send `domain.created` / `domain.deleted`.
 */

/** Domain-level status on the wire: the SDK's DomainStatus plus Resend's documented `temporary_failure`. */
export type EmulatedDomainStatus = Domain["status"] | "temporary_failure";
export type DnsState = "unpublished" | "published" | "broken";

export type StoredDomain = {
  id: string;
  name: string;
  region: DomainRegion;
  created_at: string;
  status: EmulatedDomainStatus;
  records: DomainRecords[];
  capabilities: DomainCapabilities;
  open_tracking: boolean;
  click_tracking: boolean;
  tls: "enforced" | "opportunistic";
  custom_return_path: string;
  dns: DnsState;
  /** A verification was requested and the DNS check has not run yet. */
  checking: boolean;
};

const REGIONS: DomainRegion[] = ["us-east-1", "eu-west-1", "sa-east-1", "ap-northeast-1"];
// A hostname: labels of letters, digits and hyphens, at least two labels, a letter TLD.
const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Resend's shared testing domain: always usable as a sender (Resend limits it to the account's own address). */
export const TESTING_DOMAIN = "resend.dev";

export type DomainDeps = {
  store: ResendStore;
  /** Sends an event to the webhooks subscribed to it (webhooks.ts). */
  webhooks: Pick<WebhookRegistry, "dispatch">;
  /** Delay between a verify request (or a DNS change) and the DNS check. */
  checkDelayMs: number;
};

export class DomainRegistry {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: DomainDeps) {}

  get all(): StoredDomain[] {
    return this.deps.store.domains;
  }

  find(idOrName: string): StoredDomain | undefined {
    const key = idOrName.toLowerCase();
    return this.all.find((d) => d.id === idOrName || d.name === key);
  }

  /** Whether `from` may be sent from: its domain is verified here (or it is Resend's testing domain). */
  senderRefusal(from: string): ApiResult | undefined {
    const address = addressOf(from);
    if (!address) return undefined; // validation has already refused a bad address
    const domain = address.slice(address.lastIndexOf("@") + 1);
    if (domain === TESTING_DOMAIN) return undefined;
    if (this.all.some((d) => d.name === domain && d.status === "verified")) return undefined;
    return resendError(
      403,
      "validation_error",
      `The ${domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains`,
    );
  }

  // ---- API ----------------------------------------------------------------------------------------------

  create(body: unknown): ApiResult {
    const input = (body ?? {}) as Record<string, unknown>;
    if (input.name === undefined || input.name === null || input.name === "") return errors.missingField("name");
    if (typeof input.name !== "string") return errors.validation("The `name` field must be a string.");
    const name = input.name.trim().toLowerCase().replace(/\.$/, "");
    if (!DOMAIN_NAME.test(name)) return errors.validation("The `name` field must be a valid domain name.");
    const region = input.region ?? "us-east-1";
    if (typeof region !== "string" || !REGIONS.includes(region as DomainRegion))
      return resendError(422, "invalid_region", `Region must be one of: ${REGIONS.join(", ")}.`);
    if (this.find(name)) return resendError(403, "validation_error", `The domain ${name} has been registered already.`);
    const returnPath =
      typeof input.custom_return_path === "string" && input.custom_return_path ? input.custom_return_path : "send";
    const capabilities = input.capabilities as Partial<DomainCapabilities> | undefined;
    const domain: StoredDomain = {
      id: randomUUID(),
      name,
      region: region as DomainRegion,
      created_at: new Date().toISOString(),
      status: "not_started",
      records: recordsFor(name, region as DomainRegion, returnPath),
      capabilities: { sending: capabilities?.sending ?? "enabled", receiving: capabilities?.receiving ?? "disabled" },
      open_tracking: input.open_tracking === true,
      click_tracking: input.click_tracking === true,
      tls: input.tls === "enforced" ? "enforced" : "opportunistic",
      custom_return_path: returnPath,
      dns: "unpublished",
      checking: false,
    };
    this.all.push(domain);
    this.deps.store.save();
    this.emit("domain.created", domain);
    const response: CreateDomainResponseSuccess = {
      id: domain.id,
      name: domain.name,
      created_at: domain.created_at,
      status: domain.status as Domain["status"],
      region: domain.region,
      records: domain.records,
      capabilities: domain.capabilities,
      open_tracking: domain.open_tracking,
      click_tracking: domain.click_tracking,
    };
    return { status: 200, body: response };
  }

  list(query: URLSearchParams): ApiResult {
    const limitParam = query.get("limit");
    const limit = limitParam === null ? 20 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return errors.validation("The `limit` parameter must be an integer between 1 and 100.");
    const after = query.get("after");
    const before = query.get("before");
    if (after !== null && before !== null)
      return errors.validation("You can only use either the `after` or the `before` parameter, not both.");
    const newestFirst = [...this.all].reverse();
    let items: StoredDomain[];
    let hasMore: boolean;
    if (after !== null || before !== null) {
      const i = newestFirst.findIndex((d) => d.id === (after ?? before));
      if (i === -1) return errors.validation("The cursor does not match any domain.");
      const rest = after !== null ? newestFirst.slice(i + 1) : newestFirst.slice(0, i);
      items = after !== null ? rest.slice(0, limit) : rest.slice(Math.max(0, rest.length - limit));
      hasMore = rest.length > limit;
    } else {
      items = newestFirst.slice(0, limit);
      hasMore = newestFirst.length > limit;
    }
    const body: ListDomainsResponseSuccess = { object: "list", has_more: hasMore, data: items.map(toDomain) };
    return { status: 200, body };
  }

  get(id: string): ApiResult {
    const domain = this.byId(id);
    if (!domain) return errors.notFound("Domain not found");
    return { status: 200, body: toGetDomain(domain) };
  }

  update(id: string, body: unknown): ApiResult {
    const domain = this.byId(id);
    if (!domain) return errors.notFound("Domain not found");
    const input = (body ?? {}) as Record<string, unknown>;
    if (typeof input.open_tracking === "boolean") domain.open_tracking = input.open_tracking;
    if (typeof input.click_tracking === "boolean") domain.click_tracking = input.click_tracking;
    if (input.tls === "enforced" || input.tls === "opportunistic") domain.tls = input.tls;
    const capabilities = input.capabilities as Partial<DomainCapabilities> | undefined;
    if (capabilities && typeof capabilities === "object")
      domain.capabilities = { ...domain.capabilities, ...capabilities };
    this.deps.store.save();
    this.emit("domain.updated", domain);
    const response: UpdateDomainsResponseSuccess = { object: "domain", id: domain.id };
    return { status: 200, body: response };
  }

  /** Starts verification: pending now, the DNS check a moment later (verified, failed or still pending). */
  verify(id: string): ApiResult {
    const domain = this.byId(id);
    if (!domain) return errors.notFound("Domain not found");
    if (domain.status !== "verified") this.setStatus(domain, "pending", "pending");
    this.scheduleCheck(domain);
    const response: VerifyDomainsResponseSuccess = { object: "domain", id: domain.id };
    return { status: 200, body: response };
  }

  remove(id: string): ApiResult {
    const domain = this.byId(id);
    if (!domain) return errors.notFound("Domain not found");
    this.all.splice(this.all.indexOf(domain), 1);
    this.deps.store.save();
    this.emit("domain.deleted", domain);
    const response: RemoveDomainsResponseSuccess = { object: "domain", id: domain.id, deleted: true };
    return { status: 200, body: response };
  }

  // ---- control plane ------------------------------------------------------------------------------------

  /** The DNS records appear: a domain being verified (or failed/temporarily failing) turns verified. */
  publish(domain: StoredDomain): StoredDomain {
    domain.dns = "published";
    this.deps.store.save();
    if (domain.status !== "not_started" && domain.status !== "verified") this.scheduleCheck(domain);
    return domain;
  }

  /** The DNS records disappear or go wrong: a domain past not_started fails (`temporary_failure` on request). */
  breakRecords(domain: StoredDomain, status: "failed" | "temporary_failure" = "failed"): StoredDomain {
    domain.dns = "broken";
    domain.checking = false;
    if (domain.status !== "not_started") {
      // temporary_failure is Resend's state for a verified domain that lost its records (rechecked for 72 h).
      const next = status === "temporary_failure" && domain.status === "verified" ? "temporary_failure" : "failed";
      this.setStatus(domain, next, next);
    } else this.deps.store.save();
    return domain;
  }

  /** Adds an already verified domain (local mode's EMAIL_FROM domain, tests). No webhook. */
  preverify(name: string): StoredDomain {
    const existing = this.find(name);
    if (existing) {
      existing.dns = "published";
      existing.status = "verified";
      existing.records = existing.records.map((r) => ({ ...r, status: "verified" }));
      this.deps.store.save();
      return existing;
    }
    this.create({ name });
    const domain = this.find(name)!;
    domain.dns = "published";
    domain.status = "verified";
    domain.records = domain.records.map((r) => ({ ...r, status: "verified" }));
    this.deps.store.save();
    return domain;
  }

  /** Re-runs checks that were due when the emulator stopped. */
  resume(): void {
    for (const d of this.all) if (d.checking) this.scheduleCheck(d);
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Whether a DNS check is waiting (for idle()). */
  get busy(): boolean {
    return this.timers.size > 0;
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private byId(id: string): StoredDomain | undefined {
    return this.all.find((d) => d.id === id);
  }

  private scheduleCheck(domain: StoredDomain): void {
    domain.checking = true;
    this.deps.store.save();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.check(domain);
    }, this.deps.checkDelayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private check(domain: StoredDomain): void {
    if (!this.all.includes(domain) || !domain.checking) return; // removed or reset since
    domain.checking = false;
    if (domain.dns === "published") this.setStatus(domain, "verified", "verified");
    else if (domain.dns === "broken") this.setStatus(domain, "failed", "failed");
    else this.deps.store.save(); // not published yet: stays pending, as Resend keeps looking
  }

  private setStatus(domain: StoredDomain, status: EmulatedDomainStatus, recordStatus: DomainRecordStatus): void {
    const changed = domain.status !== status || domain.records.some((r) => r.status !== recordStatus);
    domain.status = status;
    domain.records = domain.records.map((r) => ({ ...r, status: recordStatus }));
    this.deps.store.save();
    if (changed) this.emit("domain.updated", domain);
  }

  private emit(type: "domain.created" | "domain.updated" | "domain.deleted", domain: StoredDomain): void {
    const payload: DomainCreatedEvent | { type: typeof type; created_at: string; data: DomainCreatedEvent["data"] } = {
      type,
      created_at: new Date().toISOString(),
      data: {
        id: domain.id,
        name: domain.name,
        status: domain.status,
        created_at: domain.created_at,
        region: domain.region,
        records: domain.records.map((r) => ({ ...r })),
      },
    };
    this.deps.webhooks.dispatch(type, payload);
  }
}

/** The records Resend asks for: SPF (MX + TXT on the return-path subdomain), DKIM (TXT), and a DMARC suggestion. */
function recordsFor(name: string, region: DomainRegion, returnPath: string): DomainRecords[] {
  const key = randomBytes(162).toString("base64");
  const mx: DomainSpfRecord = {
    record: "SPF",
    name: returnPath,
    type: "MX",
    ttl: "Auto",
    status: "not_started",
    value: `feedback-smtp.${region}.amazonses.com`,
    priority: 10,
  };
  const txt: DomainSpfRecord = {
    record: "SPF",
    name: returnPath,
    type: "TXT",
    ttl: "Auto",
    status: "not_started",
    value: '"v=spf1 include:amazonses.com ~all"',
  };
  const dkim: DomainDkimRecord = {
    record: "DKIM",
    name: "resend._domainkey",
    type: "TXT",
    ttl: "Auto",
    status: "not_started",
    value: `p=${key}`,
  };
  // Optional: Resend recommends DMARC; the SDK's record union has no DMARC member, so it travels as a TXT record
  // typed like the SPF ones (record: "DMARC" on the wire).
  const dmarc = {
    record: "DMARC",
    name: "_dmarc",
    type: "TXT",
    ttl: "Auto",
    status: "not_started",
    value: "v=DMARC1; p=none;",
  } as unknown as DomainRecords;
  void name;
  return [mx, txt, dkim, dmarc];
}

function toDomain(d: StoredDomain): Domain {
  return {
    id: d.id,
    name: d.name,
    status: d.status as Domain["status"],
    created_at: d.created_at,
    region: d.region,
    capabilities: d.capabilities,
    open_tracking: d.open_tracking,
    click_tracking: d.click_tracking,
  };
}

function toGetDomain(d: StoredDomain): GetDomainResponseSuccess {
  return { object: "domain", ...toDomain(d), records: d.records };
}
