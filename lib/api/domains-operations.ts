import { z } from "zod";

import { DomainTakenError } from "@/lib/domains/errors";
import { apiErrors } from "@/lib/errors";
import { BODY_LIMITS } from "@/lib/http/body";

import {
  createDomainBody,
  domainDeletedSchema,
  domainListSchema,
  domainRefSchema,
  domainSchema,
  listDomainsQuery,
} from "./domains";
import { operation } from "./operation";

const oneDomain = { params: z.object({ id: z.string() }) };
const notFound = () => [apiErrors.notFound("Domain not found")];

/** Sender domains, wire-compatible with Resend's Domains API, `resend.domains.*` (handlers in ./domains.ts). */
export const domainOperations = {
  create: operation({
    id: "createDomain",
    method: "POST",
    path: "/domains",
    access: "full",
    tag: "Domains",
    body: "json",
    maxBodyBytes: BODY_LIMITS.form,
    summary: "Add a sender domain",
    description:
      "Creates the domain in Resend and answers the DNS records to publish (SPF MX and TXT, DKIM, DMARC). A domain belongs to one MailKit account. Needs a full-access key.",
    requestBody: createDomainBody,
    response: { description: "The domain with its DNS records", schema: domainSchema },
    errors: () => [
      new DomainTakenError("example.com", false),
      apiErrors.validation({ name: "validation_error", message: "`example` is not a valid domain name." }),
    ],
  }),
  list: operation({
    id: "listDomains",
    method: "GET",
    path: "/domains",
    access: "full",
    tag: "Domains",
    summary: "List sender domains (newest first)",
    query: listDomainsQuery,
    response: { description: "A page of domains", schema: domainListSchema },
  }),
  get: operation({
    id: "getDomain",
    method: "GET",
    path: "/domains/{id}",
    access: "full",
    tag: "Domains",
    ...oneDomain,
    summary: "Retrieve a sender domain",
    response: { description: "The domain with its records and each record's status", schema: domainSchema },
    errors: notFound,
  }),
  remove: operation({
    id: "removeDomain",
    method: "DELETE",
    path: "/domains/{id}",
    access: "full",
    tag: "Domains",
    ...oneDomain,
    summary: "Remove a sender domain",
    description: "Removes it in Resend too; emails from it are refused from then on.",
    response: { description: "Removed", schema: domainDeletedSchema },
    errors: notFound,
  }),
  verify: operation({
    id: "verifyDomain",
    method: "POST",
    path: "/domains/{id}/verify",
    access: "full",
    tag: "Domains",
    ...oneDomain,
    summary: "Verify a sender domain",
    description: "Asks Resend to check the DNS records now: `pending`, then `verified` or `failed`.",
    response: { description: "Verification started", schema: domainRefSchema },
    errors: notFound,
  }),
};
