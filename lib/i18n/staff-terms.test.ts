import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STAFF_ROLES } from "@/lib/auth/roles";
import { ROUTING_TABLE, TICKET_CATEGORIES, TICKET_QUEUES, TICKET_STATUSES } from "../routing";
import { BILLING_STATUSES, STATUS_CODES } from "../status";
import { FEE_FORM_PROBLEMS } from "../fee-rules";
import { FEE_APPLIES_TO, FEE_RATE_UNITS, FEE_ROUNDINGS } from "../fees";
import { TICKET_EVENT_KINDS } from "../ticket-desk";
import { LOCALES, messages } from ".";

/** Every payment channel code the migrations seed into the channels table. */
function seededChannelCodes(): string[] {
  const dir = join(__dirname, "../../db/migrations");
  const codes = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql"))) {
    const sql = readFileSync(join(dir, file), "utf8");
    for (const insert of sql.matchAll(/INSERT INTO channels\s*\([^)]*\)\s*VALUES([\s\S]*?);/gi)) {
      for (const row of insert[1]!.matchAll(/\(\s*'([a-z_]+)'/g)) codes.add(row[1]!);
    }
  }
  return [...codes];
}

/** The match_method enum, read off the schema (lib/ tests import no db code). */
function matchMethods(): string[] {
  const schema = readFileSync(join(__dirname, "../../db/schema/settlements.ts"), "utf8");
  const values = /pgEnum\("match_method", \[([^\]]*)\]\)/.exec(schema)?.[1] ?? "";
  return [...values.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!);
}

const priorities = [...new Set(ROUTING_TABLE.flatMap((r) => (r.then.kind === "ticket" ? [r.then.priority] : [])))];

/**
 * Issue 18: the console shows no raw code. Each code the console can meet has a staff label in both
 * catalogues — a new queue, status, channel, event kind… without one fails here — and each thing has
 * one name across the console (the desk and the dashboard share their maps).
 */
describe.each(LOCALES)("staff labels in %s", (locale) => {
  const t = messages(locale);
  const maps: [name: string, labels: Record<string, string>, codes: readonly (string | number)[]][] = [
    ["queues", t.desk.queueNames, TICKET_QUEUES],
    ["ticket statuses", t.desk.statuses, TICKET_STATUSES],
    ["categories", t.desk.categories, TICKET_CATEGORIES],
    ["channels", t.desk.channelNames, seededChannelCodes()],
    ["locales", t.desk.localeNames, LOCALES],
    ["priorities", t.desk.priorities, priorities],
    ["payment statuses", t.desk.paymentStatuses, STATUS_CODES],
    ["billing statuses", t.desk.ticket.billingStatuses, BILLING_STATUSES],
    ["match methods", t.desk.ticket.methods, matchMethods()],
    ["roles", t.staff.roles, STAFF_ROLES],
    ["event kinds", t.desk.ticket.events, TICKET_EVENT_KINDS],
    ["fee rate units", t.feeRules.units, FEE_RATE_UNITS],
    ["fee roundings", t.feeRules.roundings, FEE_ROUNDINGS],
    ["fee minimum and maximum scopes", t.feeRules.appliesToValues, FEE_APPLIES_TO],
    ["fee rule problems", t.feeRules.errors, FEE_FORM_PROBLEMS],
  ];

  it("finds the codes it checks (the channel scan reads the migrations)", () => {
    expect(seededChannelCodes()).toEqual(expect.arrayContaining(["counter", "online_bank", "wechat", "alipay", "pos", "cash"]));
    expect(priorities.sort()).toEqual([1, 2, 3]);
    expect(matchMethods()).toEqual(["reference", "remittance", "amount_date", "manual", "batch"]);
  });

  it.each(maps)("every %s code has a label that is not the code", (_name, labels, codes) => {
    for (const code of codes) {
      const label = labels[String(code)];
      expect(label, `${String(code)} has no label`).toBeTruthy();
      expect(label).not.toBe(String(code));
      // No snake_case or locale code left inside a label.
      expect(label).not.toMatch(/\b[a-z]+_[a-z_]+\b|\bzh-CN\b/);
    }
  });

  it("names each thing once: the dashboard's maps are the desk's", () => {
    expect(t.oversight.queues).toEqual(t.desk.queueNames);
    expect(t.oversight.ticketStatuses).toEqual(t.desk.statuses);
    expect(t.oversight.categories).toEqual(t.desk.categories);
    expect(new Set(Object.values(t.desk.queueNames)).size).toBe(TICKET_QUEUES.length);
  });
});

describe("zh-CN staff wording", () => {
  const zh = messages("zh-CN");
  const strings = (value: unknown): string[] =>
    typeof value === "string" ? [value] : typeof value === "object" && value !== null ? Object.values(value).flatMap(strings) : [];
  const staffSections = { desk: zh.desk, oversight: zh.oversight, staff: zh.staff, backOffice: zh.backOffice, proofChecks: zh.proofChecks, channelsConsole: zh.channels.console };

  it.each(Object.entries(staffSections))("%s says 您, not 你, and uses one word for the bank queue", (_name, section) => {
    for (const s of strings(section)) {
      expect(s, s).not.toMatch(/你/);
      expect(s, s).not.toMatch(/银行联络/);
    }
  });

  it("the desk and the dashboard say 办结 and 缴费人 (not 已解决, 居民)", () => {
    for (const s of strings({ desk: zh.desk, oversight: zh.oversight })) expect(s, s).not.toMatch(/已解决|居民/);
  });
});
