import { isSendStatus, type SendStatus } from "@/lib/mail/status";
import { isCleanText } from "@/lib/text";

/**
 * The message log's filter, read from a query string (the Messages page and its CSV export share it): a search
 * over id, recipients and subject, a date range (whole UTC days, both ends included) and a status. Anything a
 * person could not have meant (a NUL, an unpaired surrogate, a search longer than `MAX_SEARCH_LENGTH`, a date that
 * does not exist) is never sent to the database: the filter carries a message saying what is wrong, and the page
 * shows it with no rows.
 */

export const MAX_SEARCH_LENGTH = 200;

export type MessageFilter = {
  search?: string;
  /** First UTC day included (YYYY-MM-DD). */
  from?: string;
  /** Last UTC day included (YYYY-MM-DD). */
  to?: string;
  status?: SendStatus;
  page: number;
};

export type ParsedMessageFilter = { filter: MessageFilter; problem?: string };

type RawQuery = Record<string, string | string[] | undefined>;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseMessageFilter(raw: RawQuery): ParsedMessageFilter {
  const value = (name: string) => {
    const v = raw[name];
    return (Array.isArray(v) ? v[0] : v) ?? "";
  };
  const filter: MessageFilter = { page: 1 };
  const problems: string[] = [];

  const search = value("q").trim();
  if (!isCleanText(search)) problems.push("The search must not contain NUL characters or broken Unicode.");
  else if (search.length > MAX_SEARCH_LENGTH)
    problems.push(`The search is limited to ${MAX_SEARCH_LENGTH} characters.`);
  else if (search) filter.search = search;

  for (const end of ["from", "to"] as const) {
    const day = value(end).trim();
    if (!day) continue;
    if (isDay(day)) filter[end] = day;
    else problems.push(`The ${end === "from" ? "start" : "end"} date must be a date like 2026-12-07.`);
  }
  if (filter.from && filter.to && filter.from > filter.to) problems.push("The start date is after the end date.");

  const status = value("status");
  if (status && isSendStatus(status)) filter.status = status;

  const page = Number(value("page"));
  if (Number.isSafeInteger(page) && page > 1) filter.page = page;

  return problems.length ? { filter, problem: problems.join(" ") } : { filter };
}

function isDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1970 && year <= 9999 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The query string of a filter (page left out unless asked), for links and the export. */
export function messageFilterQuery(filter: Partial<MessageFilter>, options: { page?: number } = {}): string {
  const search = new URLSearchParams();
  if (filter.search) search.set("q", filter.search);
  if (filter.from) search.set("from", filter.from);
  if (filter.to) search.set("to", filter.to);
  if (filter.status) search.set("status", filter.status);
  if (options.page && options.page > 1) search.set("page", String(options.page));
  const qs = search.toString();
  return qs ? `?${qs}` : "";
}

/** Whether the filter narrows the log at all (the empty state says "no match" rather than "nothing sent yet"). */
export function isFiltered(filter: Partial<MessageFilter>): boolean {
  return Boolean(filter.search || filter.from || filter.to || filter.status);
}
