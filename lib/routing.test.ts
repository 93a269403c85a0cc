import { describe, expect, it } from "vitest";
import { ROUTING_TABLE, routeTicket, TICKET_CATEGORIES } from "./routing";
import { STATUS_CODES } from "./status";

describe("routeTicket — one case per SPEC §2.3 row", () => {
  it.each([
    ["posted", "invoice_missing", false, { kind: "ticket", queue: "invoices", status: "open", slaBusinessDays: 3 }],
    ["posted", "not_posted", true, { kind: "answer", reason: "posted" }],
    ["pending", "not_posted", false, { kind: "ticket", queue: "bank_liaison", status: "waiting_on_settlement", slaBusinessDays: null }],
    ["awaiting_bank", "locked", true, { kind: "answer", reason: "awaiting_bank" }],
    ["overdue", "not_posted", false, { kind: "ticket", queue: "bank_liaison", status: "open", slaBusinessDays: 2, priority: 1 }],
    ["amount_mismatch", "wrong_amount", false, { kind: "ticket", queue: "finance", slaBusinessDays: 3 }],
    ["duplicate", "duplicate_charge", false, { kind: "ticket", queue: "refunds", slaBusinessDays: 5 }],
    ["refund_pending", "other", false, { kind: "ticket", queue: "refunds", slaBusinessDays: 5 }],
    ["refunded", "other", false, { kind: "ticket", queue: "refunds", slaBusinessDays: 5 }],
    ["unpaid", "not_posted", true, { kind: "ticket", queue: "data_entry", slaBusinessDays: 2 }],
    ["not_found", "not_posted", true, { kind: "ticket", queue: "data_entry", slaBusinessDays: 2 }],
    ["unpaid", "not_posted", false, { kind: "needs_proof" }],
    ["not_found", "other", false, { kind: "needs_proof" }],
    ["voided", "other", false, { kind: "ticket", queue: "finance", slaBusinessDays: 3 }],
    ["posted", "info_change", false, { kind: "ticket", queue: "records", slaBusinessDays: 5 }],
    ["awaiting_bank", "info_change", false, { kind: "ticket", queue: "records", slaBusinessDays: 5 }],
    ["not_found", "info_change", false, { kind: "ticket", queue: "records", slaBusinessDays: 5 }],
  ] as const)("%s + %s (proof: %s)", (status, category, proof, expected) => {
    expect(routeTicket(status, category, proof)).toMatchObject(expected);
  });

  it("has an answer for every status and category", () => {
    for (const status of STATUS_CODES) {
      for (const category of TICKET_CATEGORIES) {
        for (const proof of [true, false]) expect(() => routeTicket(status, category, proof)).not.toThrow();
      }
    }
  });

  it("every rule is reachable", () => {
    const used = new Set<string>();
    for (const status of STATUS_CODES)
      for (const category of TICKET_CATEGORIES)
        for (const proof of [true, false]) used.add(ROUTING_TABLE.find((r) => r.when(status, category, proof))!.rule);
    expect([...used].sort()).toEqual(ROUTING_TABLE.map((r) => r.rule).sort());
  });
});
