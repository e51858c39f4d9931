import type { Download } from "@/lib/http/session-download";
import { HttpError } from "@/lib/errors";

import { parseMessageFilter } from "./message-filter";
import { countMessages, MESSAGE_EXPORT_MAX_ROWS, messageLogRows, type MessageLogRow } from "./queries";

/** The Messages page's CSV export: the same filter as the page, newest first, at most MESSAGE_EXPORT_MAX_ROWS rows. */

export const MESSAGE_CSV_COLUMNS = [
  "id",
  "created_at",
  "from",
  "to",
  "cc",
  "bcc",
  "subject",
  "status",
  "credits",
  "source",
  "api_key",
  "provider_id",
] as const;

/** Total rows the filter matches, when the export stops before them. */
export const EXPORT_TOTAL_HEADER = "x-mailkit-export-matching";

export async function messagesCsvExport(userId: string, query: Record<string, string>): Promise<Download> {
  const { filter, problem } = parseMessageFilter(query);
  if (problem) throw new HttpError("validation_error", problem);
  const matching = await countMessages(userId, filter);
  const date = new Date().toISOString().slice(0, 10);
  return {
    filename: `mailkit-messages-${date}.csv`,
    contentType: "text/csv; charset=utf-8",
    headers: { [EXPORT_TOTAL_HEADER]: String(matching) },
    chunks: csvChunks(messageLogRows(userId, filter, MESSAGE_EXPORT_MAX_ROWS)),
  };
}

async function* csvChunks(pages: AsyncIterable<MessageLogRow[]>): AsyncGenerator<string> {
  yield MESSAGE_CSV_COLUMNS.join(",") + "\r\n";
  for await (const rows of pages) yield rows.map((row) => csvLine(row) + "\r\n").join("");
}

export function csvLine(row: MessageLogRow): string {
  return [
    row.id,
    new Date(row.createdAt).toISOString(),
    row.fromAddress,
    row.to.join(" "),
    row.cc.join(" "),
    row.bcc.join(" "),
    row.subject,
    row.status,
    String(row.status === "failed" || row.status === "canceled" ? 0 : row.cost),
    row.source,
    row.apiKeyName ?? "",
    row.resendId ?? "",
  ]
    .map(csvField)
    .join(",");
}

/** RFC 4180 quoting; a leading = + - @ (or tab, CR) is prefixed with ' so a spreadsheet never runs it as a formula. */
export function csvField(raw: string): string {
  const value = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
