import { db, Prisma } from "@/lib/db";

import type { SendStatus } from "./status";

/** Reads of a customer's sends: the message log, one message with its events, the API list, usage per day. */

export const MESSAGE_LOG_PAGE_SIZE = 25;

export async function listMessageLog(
  userId: string,
  options: { status?: SendStatus; page?: number; pageSize?: number } = {},
) {
  const pageSize = options.pageSize ?? MESSAGE_LOG_PAGE_SIZE;
  const where: Prisma.EmailSendWhereInput = { userId, ...(options.status ? { status: options.status } : {}) };
  const total = await db.emailSend.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, options.page ?? 1), pageCount);
  const items = await db.emailSend.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * pageSize,
    take: pageSize,
    select: {
      id: true,
      to: true,
      cc: true,
      bcc: true,
      subject: true,
      status: true,
      cost: true,
      source: true,
      createdAt: true,
      apiKey: { select: { name: true } },
    },
  });
  return { items, total, page, pageCount };
}

/** One send of this user with its delivery events (null when it is not theirs or does not exist). */
export async function getMessage(userId: string, id: string) {
  return db.emailSend.findFirst({
    where: { id, userId },
    include: { events: { orderBy: { occurredAt: "asc" } }, apiKey: { select: { name: true, prefix: true } } },
  });
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
