import "server-only";
import type { Executor } from "../client";
import { auditEvents } from "../schema";

/**
 * One append-only audit row, written inside the caller's transaction so the
 * change and its record commit together. `detail` carries ids and codes only,
 * never names, phones, emails or passwords.
 */
export type AuditEvent = {
  /** `staff:<id>`, `cli`, `api:<token id>` or `anonymous`. */
  actor: string;
  action: string;
  objectType: string;
  objectId?: string | number | null;
  outcome: "ok" | "refused" | "failed";
  detail?: Record<string, string | number | boolean | null>;
};

export const staffActor = (staffId: number) => `staff:${staffId}`;

export async function recordAudit(tx: Executor, event: AuditEvent): Promise<void> {
  await tx.insert(auditEvents).values({
    actor: event.actor,
    action: event.action,
    objectType: event.objectType,
    objectId: event.objectId === undefined || event.objectId === null ? null : String(event.objectId),
    outcome: event.outcome,
    detail: event.detail ?? {},
  });
}
