import type { TextEncodingName } from "./decode";
import { csvRecords, normaliseHeader, tableRows, type HeaderSpec } from "./csv-rows";
import { decodeSample } from "./decode";
import { amountField, dateField, textField } from "./fields";
import type { IsoDate } from "../dates";
import { StatementFileError, type ByteSource, type ParseEvent } from "./types";

/**
 * Settlement detail files (清算明细, issue 16): an acquirer's or channel's per-transaction account of
 * its batches — terminal, batch number, settlement date, the receipt (merchant order number or
 * reference), gross, fee and net. Read as a statement format with a profile, like bank statements;
 * each line links one receipt to its batch (db/import/settlement-details.ts).
 */

export type SettlementDetailRecord = {
  channel: string;
  terminalId: string | null;
  batchNo: string | null;
  batchDate: IsoDate;
  receiptRef: string;
  grossFen: number;
  feeFen: number;
  netFen: number;
};

export type DetailProfile = { name: string; description: string; channel: string; header: HeaderSpec };

const COLUMNS = ["terminalId", "batchNo", "batchDate", "receiptRef", "gross", "fee", "net"] as const;

export const DETAIL_PROFILES: readonly DetailProfile[] = [
  {
    name: "pos-detail",
    description: "POS acquirer 清算明细: 清算日期,终端号,批次号,商户订单号,交易金额,手续费,结算金额",
    channel: "pos",
    header: {
      required: { batchDate: "清算日期", terminalId: "终端号", receiptRef: "商户订单号", gross: "交易金额", fee: "手续费", net: "结算金额" },
      optional: { batchNo: "批次号" },
      ignored: ["商户号", "商户名称", "交易日期", "交易时间", "卡号", "参考号", "交易类型", "授权码"],
      framed: true,
    },
  },
  {
    name: "detail-default",
    description: "paystatus detail CSV: channel,terminal_id,batch_no,batch_date,receipt_ref,gross,fee,net",
    channel: "pos",
    header: {
      required: { batchDate: "batch_date", receiptRef: "receipt_ref", gross: "gross", fee: "fee", net: "net" },
      optional: { channel: "channel", terminalId: "terminal_id", batchNo: "batch_no" },
    },
  },
];

/** Whether a file's first lines carry a detail profile's header (so `import settlements` can hand it over). */
export function detectDetailProfile(sample: Uint8Array): DetailProfile | null {
  const text = decodeSample(sample);
  if (!text) return null;
  const lines = text.split(/\r?\n/).slice(0, 41);
  for (const profile of DETAIL_PROFILES) {
    const wanted = Object.values(profile.header.required).map(normaliseHeader);
    if (lines.some((l) => { const cells = l.split(",").map((c) => normaliseHeader(c.replace(/^"|"$/g, ""))); return wanted.every((w) => cells.includes(w)); })) return profile;
  }
  return null;
}

export async function* parseSettlementDetails(source: ByteSource, profile: DetailProfile, channels: Set<string>, onEncoding?: (e: TextEncodingName) => void): AsyncGenerator<ParseEvent<SettlementDetailRecord>[]> {
  for await (const rows of tableRows(csvRecords(source, onEncoding, { framed: profile.header.framed }), [profile.header])) {
    yield rows.map((row) => {
      if ("error" in row) return { kind: "rejected", line: row.line, reason: row.error };
      const cell = (c: string) => (row.cells.get(c) ?? "").trim();
      const channel = cell("channel") || profile.channel;
      if (!channels.has(channel)) return { kind: "rejected", line: row.line, reason: `unknown channel "${channel.slice(0, 20)}"` };
      const date = dateField("batch_date", cell("batchDate"), "year-first");
      if (!date.ok) return { kind: "rejected", line: row.line, reason: date.reason };
      const ref = textField(cell("receiptRef"), 100);
      if (!ref) return { kind: "rejected", line: row.line, reason: "receipt_ref is empty" };
      const amounts = COLUMNS.slice(4).map((c) => amountField(c, cell(c).replace(/^[-+]/, "")));
      for (const a of amounts) if (!a.ok) return { kind: "rejected", line: row.line, reason: a.reason };
      const [gross, fee, net] = amounts.map((a) => (a.ok ? a.value : 0)) as [number, number, number];
      if (gross <= 0) return { kind: "rejected", line: row.line, reason: "gross is not positive" };
      if (net !== gross - fee) return { kind: "rejected", line: row.line, reason: "net is not gross − fee" };
      return {
        kind: "record",
        line: row.line,
        record: { channel, terminalId: textField(cell("terminalId"), 40), batchNo: textField(cell("batchNo"), 40), batchDate: date.value, receiptRef: ref, grossFen: gross, feeFen: fee, netFen: net },
      } satisfies ParseEvent<SettlementDetailRecord>;
    });
  }
}

export function findDetailProfile(name: string): DetailProfile {
  const p = DETAIL_PROFILES.find((d) => d.name === name);
  if (!p) throw new StatementFileError(`unknown detail profile "${name}" (${DETAIL_PROFILES.map((d) => d.name).join(", ")})`);
  return p;
}
