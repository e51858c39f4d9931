import { z } from "zod";

import { apiErrors } from "@/lib/errors";
import { BODY_LIMITS } from "@/lib/http/body";
import { addSuppressionBody, listSuppressionsQuery } from "@/lib/suppressions/schema";

import { operation } from "./operation";
import {
  apiSuppressionSchema,
  suppressionAddedSchema,
  suppressionListSchema,
  suppressionRemovedSchema,
} from "./suppressions";

const NOT_FOUND = "Suppression not found";

const oneEntry = {
  params: z.object({ id_or_email: z.string() }),
  notFound: NOT_FOUND,
  pathParameters: { id_or_email: "The entry's id, or the suppressed address" },
};

/** The suppression list's endpoints (handlers in ./suppressions.ts). */
export const suppressionOperations = {
  list: operation({
    id: "listSuppressions",
    method: "GET",
    path: "/suppressions",
    access: "full",
    tag: "Suppressions",
    summary: "List suppressed addresses (newest first)",
    description:
      "Your suppression list: addresses that hard-bounced or complained (added by MailKit from delivery events) or that you added. Sends leave them out before anything is charged. Needs a full-access key.",
    query: listSuppressionsQuery,
    response: { description: "A page of the list", schema: suppressionListSchema },
    errors: () => [apiErrors.validation({ name: "validation_error", message: "…" })],
  }),
  add: operation({
    id: "addSuppression",
    method: "POST",
    path: "/suppressions",
    access: "full",
    tag: "Suppressions",
    body: "json",
    maxBodyBytes: BODY_LIMITS.form,
    summary: "Add an address to the list",
    description: "Origin `manual`. An address already on the list keeps its entry. Needs a full-access key.",
    requestBody: addSuppressionBody,
    response: { status: 201, description: "On the list", schema: suppressionAddedSchema },
    errors: () => [apiErrors.validation({ name: "validation_error", message: "`nope` is not an email address." })],
  }),
  get: operation({
    id: "getSuppression",
    method: "GET",
    path: "/suppressions/{id_or_email}",
    access: "full",
    tag: "Suppressions",
    ...oneEntry,
    summary: "Retrieve a suppressed address",
    response: { description: "The entry", schema: apiSuppressionSchema },
    errors: () => [apiErrors.notFound(NOT_FOUND)],
  }),
  remove: operation({
    id: "removeSuppression",
    method: "DELETE",
    path: "/suppressions/{id_or_email}",
    access: "full",
    tag: "Suppressions",
    ...oneEntry,
    summary: "Remove an address from the list",
    description: "Later sends to it are delivered and charged again. Needs a full-access key.",
    response: { description: "Removed", schema: suppressionRemovedSchema },
    errors: () => [apiErrors.notFound(NOT_FOUND)],
  }),
};
