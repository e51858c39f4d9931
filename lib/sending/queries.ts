import { db, Prisma } from "@/lib/db";

import type { MessageFilter } from "./message-filter";

/** Reads of a customer's sends: the message log, one message with its events, the API list, usage per day. */

export const MESSAGE_LOG_PAGE_SIZE = 25;
/** The CSV export stops after this many rows (newest first); the page says so when the filter matches more. */
export const MESSAGE_EXPORT_MAX_ROWS = 50_000;
const EXPORT_CHUNK_ROWS = 1_000;

export type MessageLogRow = {
  id: string;
  to: string[];
  cc: string[];
  bcc: string[];
  fromAddress: string;
  subject: string;
  status: string;
  cost: number;
  source: string;
  createdAt: Date;
  resendId: string | null;
  apiKeyName: string | null;
};

/**
 * The WHERE clause of a filtered message log, always scoped to one user. Every filter runs inside the user's own
 * rows through the ("userId", "createdAt") or ("userId", "status", "createdAt") index, so a search reads at most that
 * customer's rows in the date range. The search matches an id (MailKit's or Resend's) exactly, and the subject or
 * any recipient (to, cc, bcc) as a case-insensitive substring with LIKE's wildcards taken literally.
 */
function messageWhere(userId: string, filter: Partial<MessageFilter>): { where: string; params: unknown[] } {
  const params: unknown[] = [userId];
  const clauses = [`e."userId" = $1`];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.status) clauses.push(`e."status" = ${param(filter.status)}`);
  if (filter.from) clauses.push(`e."createdAt" >= ${param(`${filter.from}T00:00:00.000`)}::timestamp(3)`);
  if (filter.to)
    clauses.push(`e."createdAt" < (${param(`${filter.to}T00:00:00.000`)}::timestamp(3) + interval '1 day')`);
  if (filter.search) {
    const exact = param(filter.search);
    const pattern = param(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    clauses.push(
      `(e."id" = ${exact} OR e."resendId" = ${exact} OR e."subject" ILIKE ${pattern} ` +
        `OR array_to_string(e."to" || e."cc" || e."bcc", ' ') ILIKE ${pattern})`,
    );
  }
  return { where: clauses.join(" AND "), params };
}

const LOG_COLUMNS = `e."id", e."to", e."cc", e."bcc", e."fromAddress", e."subject", e."status", e."cost", e."source",
  e."createdAt", e."resendId", k."name" AS "apiKeyName"`;

export async function listMessageLog(
  userId: string,
  filter: Partial<MessageFilter> = {},
  options: { pageSize?: number } = {},
): Promise<{ items: MessageLogRow[]; total: number; page: number; pageCount: number }> {
  const pageSize = options.pageSize ?? MESSAGE_LOG_PAGE_SIZE;
  const { where, params } = messageWhere(userId, filter);
  const [counted] = await db.$queryRawUnsafe<{ total: number }[]>(
    `SELECT count(*)::int AS "total" FROM "EmailSend" e WHERE ${where}`,
    ...params,
  );
  const total = Number(counted?.total ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, filter.page ?? 1), pageCount);
  const items = await db.$queryRawUnsafe<MessageLogRow[]>(
    `SELECT ${LOG_COLUMNS} FROM "EmailSend" e LEFT JOIN "ApiKey" k ON k."id" = e."apiKeyId"
     WHERE ${where} ORDER BY e."createdAt" DESC, e."id" DESC
     LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    ...params,
  );
  return { items, total, page, pageCount };
}

/** How many rows the filter matches (to tell the customer when an export stops at the bound). */
export async function countMessages(userId: string, filter: Partial<MessageFilter>): Promise<number> {
  const { where, params } = messageWhere(userId, filter);
  const [row] = await db.$queryRawUnsafe<{ total: number }[]>(
    `SELECT count(*)::int AS "total" FROM "EmailSend" e WHERE ${where}`,
    ...params,
  );
  return Number(row?.total ?? 0);
}

/**
 * The filtered log, newest first, in chunks read by keyset (createdAt, id): memory stays at one chunk whatever the
 * size, and the export ends after `maxRows`.
 */
export async function* messageLogRows(
  userId: string,
  filter: Partial<MessageFilter>,
  maxRows = MESSAGE_EXPORT_MAX_ROWS,
): AsyncGenerator<MessageLogRow[]> {
  let after: { createdAt: Date; id: string } | null = null;
  let left = maxRows;
  while (left > 0) {
    const { where, params } = messageWhere(userId, filter);
    let keyset = "";
    if (after) {
      const at = `$${params.push(after.createdAt.toISOString().slice(0, 23))}::timestamp(3)`;
      keyset = ` AND (e."createdAt", e."id") < (${at}, $${params.push(after.id)})`;
    }
    const take = Math.min(EXPORT_CHUNK_ROWS, left);
    const rows: MessageLogRow[] = await db.$queryRawUnsafe<MessageLogRow[]>(
      `SELECT ${LOG_COLUMNS} FROM "EmailSend" e LEFT JOIN "ApiKey" k ON k."id" = e."apiKeyId"
       WHERE ${where}${keyset} ORDER BY e."createdAt" DESC, e."id" DESC LIMIT ${take}`,
      ...params,
    );
    if (rows.length === 0) return;
    yield rows;
    left -= rows.length;
    if (rows.length < take) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

/** One send of this user with its delivery events (null when it is not theirs or does not exist). */
export async function getMessage(userId: string, id: string) {
  return db.emailSend.findFirst({
    where: { id, userId },
    include: { events: { orderBy: { occurredAt: "asc" } }, apiKey: { select: { name: true, prefix: true } } },
  });
}

/** The Resend call that carried a send (its endpoint, idempotency key and size), for the message's source. */
export async function getMessageCall(deliveryBatchId: string | null) {
  if (!deliveryBatchId) return null;
  const call = await db.deliveryBatch.findUnique({
    where: { id: deliveryBatchId },
    select: { mode: true, idempotencyKey: true, sendIds: true },
  });
  return call ? { mode: call.mode, idempotencyKey: call.idempotencyKey, members: call.sendIds.length } : null;
}

export type SendRow = Prisma.EmailSendGetPayload<object>;

/**
 * Resend's cursor pagination, newest first: `after` = older than that email, `before` = newer than it.
 * Returns null when the cursor is not one of this user's emails.
 */
export async function listSendsPage(
  userId: string,
  options: { limit: number; after?: string; before?: string },
): Promise<{ items: SendRow[]; hasMore: boolean } | null> {
  const cursorId = options.after ?? options.before;
  let cursor: { createdAt: Date; id: string } | null = null;
  if (cursorId) {
    cursor = await db.emailSend.findFirst({ where: { id: cursorId, userId }, select: { createdAt: true, id: true } });
    if (!cursor) return null;
  }
  if (cursor && options.before) {
    const newer = await db.emailSend.findMany({
      where: {
        userId,
        OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }],
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: options.limit + 1,
    });
    return { items: newer.slice(0, options.limit).reverse(), hasMore: newer.length > options.limit };
  }
  const older = await db.emailSend.findMany({
    where: {
      userId,
      ...(cursor
        ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit + 1,
  });
  return { items: older.slice(0, options.limit), hasMore: older.length > options.limit };
}

export async function getSendRow(userId: string, id: string): Promise<SendRow | null> {
  return db.emailSend.findFirst({ where: { id, userId } });
}

export type DailyUsage = { day: string; sends: number; credits: number };

/**
 * Sends and credits per UTC day over the last `days` days, today included, oldest first, with empty days.
 * Failed sends cost nothing and are left out.
 */
export async function getDailyUsage(userId: string, days = 30, now = new Date()): Promise<DailyUsage[]> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - (days - 1) * 86_400_000);
  const rows = await db.$queryRawUnsafe<{ day: string; sends: number; credits: number }[]>(
    `SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day", count(*)::int AS "sends", coalesce(sum("cost"), 0)::int AS "credits"
     FROM "EmailSend" WHERE "userId" = $1 AND "createdAt" >= $2 AND "status" <> 'failed'
     GROUP BY 1 ORDER BY 1`,
    userId,
    since,
  );
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return { day, sends: Number(row?.sends ?? 0), credits: Number(row?.credits ?? 0) };
  });
}
