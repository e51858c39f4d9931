import { z } from "zod";

import type { SessionUser } from "@/lib/auth/session";
import { PRODUCT } from "@/lib/catalog/product";
import { db } from "@/lib/db";

import { ensureDodoCustomer } from "./customer";

/** The owner's billing automation: auto top-up and their own low-balance alert. */

const credits = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, `${label} must be a whole number of credits`)
    .transform(Number);

const checkbox = z.enum(["", "on"]).transform((v) => v === "on");

export const autoTopUpSchema = z
  .object({
    enabled: checkbox,
    threshold: credits("The threshold"),
    packs: z
      .string()
      .trim()
      .regex(/^\d+$/, "Packs must be a whole number")
      .transform(Number)
      .refine((n) => n >= 1 && n <= PRODUCT.autoTopUp.maxPacks, `Between 1 and ${PRODUCT.autoTopUp.maxPacks} packs`),
    monthlyCap: z
      .string()
      .trim()
      .regex(/^\d+$/, "The cap must be a whole number of packs")
      .transform(Number)
      .refine((n) => n <= PRODUCT.autoTopUp.maxMonthlyCap, `At most ${PRODUCT.autoTopUp.maxMonthlyCap} packs a month`),
  })
  .refine((v) => !v.enabled || v.threshold >= 1, { path: ["threshold"], message: "Set a threshold of at least 1" })
  .refine((v) => !v.enabled || v.monthlyCap >= v.packs, {
    path: ["monthlyCap"],
    message: "The monthly cap must allow at least one top-up",
  });

export const AUTO_TOP_UP_FIELDS = ["enabled", "threshold", "packs", "monthlyCap"] as const;

const email = z.email({ message: "Enter email addresses separated by commas" });

export const alertSchema = z.object({
  threshold: z
    .string()
    .trim()
    .regex(/^\d{0,9}$/, "The threshold must be a whole number of credits (empty: off)")
    .transform((v) => (v === "" ? null : Number(v))),
  recipients: z
    .string()
    .trim()
    .max(2000)
    .transform((v) => [
      ...new Set(
        v
          .split(/[,\s]+/)
          .filter(Boolean)
          .map((a) => a.toLowerCase()),
      ),
    ])
    .pipe(z.array(email).max(10, "At most 10 recipients")),
});

export const ALERT_FIELDS = ["threshold", "recipients"] as const;

export type BillingAutomation = {
  autoTopUp: {
    enabled: boolean;
    threshold: number;
    packs: number;
    monthlyCap: number;
    offReason: string | null;
    /** Whether the next drop below the threshold buys packs (false until the balance is back at the threshold). */
    armed: boolean;
  };
  /** `below`: the balance crossed the line and the alert went out; the next one waits for it to be back at the line. */
  alert: { threshold: number | null; recipients: string[]; below: boolean };
};

export async function getBillingAutomation(userId: string): Promise<BillingAutomation> {
  const a = await db.creditAccount.findUnique({ where: { userId } });
  return {
    autoTopUp: {
      enabled: a?.autoTopUpEnabled ?? false,
      threshold: a?.autoTopUpThreshold ?? 0,
      packs: a?.autoTopUpPacks ?? 1,
      monthlyCap: a?.autoTopUpMonthlyCap ?? 0,
      offReason: a?.autoTopUpOffReason ?? null,
      armed: a?.autoTopUpArmed ?? true,
    },
    alert: {
      threshold: a?.alertThreshold ?? null,
      recipients: a?.alertRecipients ?? [],
      below: a?.alertThreshold != null && a.alertSince !== null,
    },
  };
}

/** Turning auto top-up on starts a fresh count of declines and arms it for the next crossing. */
export async function saveAutoTopUp(user: SessionUser, input: z.output<typeof autoTopUpSchema>): Promise<void> {
  const customerId = await ensureDodoCustomer(user);
  await db.creditAccount.update({
    where: { customerId },
    data: {
      autoTopUpEnabled: input.enabled,
      autoTopUpThreshold: input.threshold,
      autoTopUpPacks: input.packs,
      autoTopUpMonthlyCap: input.monthlyCap,
      ...(input.enabled ? { autoTopUpFailures: 0, autoTopUpOffReason: null, autoTopUpArmed: true } : {}),
    },
  });
}

/** A changed line starts unwarned: the balance watch decides at once whether it is already crossed. */
export async function saveAlert(user: SessionUser, input: z.output<typeof alertSchema>): Promise<void> {
  const customerId = await ensureDodoCustomer(user);
  await db.creditAccount.update({
    where: { customerId },
    data: { alertThreshold: input.threshold, alertRecipients: input.recipients, alertSince: null },
  });
}
