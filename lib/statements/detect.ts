import { parse } from "csv-parse/sync";
import { framedCell, headerColumns, normaliseHeader, TITLE_LINES, type HeaderSpec, type TableRecord } from "./csv-rows";
import { decodeSample } from "./decode";
import { layoutsOf, SETTLEMENT_PROFILES, type SettlementProfile } from "./profiles";
import { settlementHeader } from "./settlements-csv";
import { headOf, htmlTableRows, isHtmlTable, isSpreadsheet, sheetRows } from "./sheets";
import { StatementFileError, type ByteSource, type SettlementFormat } from "./types";

/**
 * Which format and profile read a statement, from its first bytes, so that
 * `npm run import -- settlements FILE` needs no --format or --profile: XML by
 * the camt.053 namespace (or its root element), MT940 by its tags after any
 * envelope or bank header, CSV and spreadsheets by a header among the
 * profiles'. A header no profile reads is answered with the nearest profile
 * and the columns it lacks (profile column names only: nothing of the file's
 * content, which may be personal data, goes into the reason).
 */

export type DetectedLayout =
  | { ok: true; format: SettlementFormat; profile: string }
  | { ok: false; reason: string; nearest: string | null; missing: string[] };

/** How much of a text file recognition looks at. */
export const SAMPLE_BYTES = 64 * 1024;

const CAMT053 = /urn:iso:std:iso:20022:tech:xsd:camt\.053\.|<(?:[\w.-]+:)?BkToCstmrStmt[\s>]/;
const MT940_STATEMENT = /^(?:\{1:[^}]*\}.*\{4:\s*)?:20:/;
const MT940_TAG = /^:(25|28C|60F|60M|61):/;

/** The bytes recognition needs: the first SAMPLE_BYTES of a text file, a spreadsheet whole. */
export async function layoutSample(source: ByteSource): Promise<Uint8Array> {
  const { head, bytes } = await headOf(source, 8);
  const whole = isSpreadsheet(head);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    chunks.push(chunk);
    size += chunk.length;
    if (!whole && size >= SAMPLE_BYTES) break;
  }
  const all = Buffer.concat(chunks);
  return whole ? all : all.subarray(0, SAMPLE_BYTES);
}

/** Recognises a statement from its sample (see layoutSample). Pure: the same bytes give the same answer. */
export function detectSettlementLayout(sample: Uint8Array): DetectedLayout {
  if (isSpreadsheet(sample)) return tableLayout(() => sheetRows(sample));
  const text = decodeSample(sample);
  if (text === null) return unknown("the file is not text in UTF-8 or GBK, nor a spreadsheet");
  if (text.trim() === "") return unknown("the file is empty");
  if (isHtmlTable(text)) return tableLayout(() => htmlTableRows(text));
  if (text.trimStart().startsWith("<")) {
    return CAMT053.test(text) ? { ok: true, format: "camt053", profile: "default" } : unknown("the XML is not a camt.053 statement (no camt.053 namespace or BkToCstmrStmt)");
  }
  const lines = text.split(/\r?\n/).map((l) => l.replace(/[\u0001\u0003]/g, "").trim()).filter((l) => l !== "");
  const first = lines.slice(0, TITLE_LINES + 1);
  if (first.some((l) => MT940_STATEMENT.test(l)) && lines.some((l) => MT940_TAG.test(l))) return { ok: true, format: "mt940", profile: "default" };
  return csvLayout(csvSample(text));
}

function tableLayout(rows: () => TableRecord[]): DetectedLayout {
  try {
    return csvLayout(rows());
  } catch (error) {
    if (error instanceof StatementFileError) return unknown(error.message);
    throw error;
  }
}

/** The first records of a CSV sample; a sample cut mid-line loses only that line. */
function csvSample(text: string): TableRecord[] {
  const lines = text.split("\n").slice(0, TITLE_LINES + 2);
  const records: TableRecord[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      const parsed: string[][] = parse(line, { relax_column_count: true, relax_quotes: true, rtrim: true, bom: true });
      const [fields] = parsed;
      if (fields) records.push({ line: i + 1, fields });
    } catch {
      // A title line that is not valid CSV is still a title line.
    }
  }
  return records;
}

type Candidate = { profile: SettlementProfile; spec: HeaderSpec };

function csvLayout(records: TableRecord[]): DetectedLayout {
  const candidates: Candidate[] = SETTLEMENT_PROFILES.filter((p) => p.format === "csv").flatMap((profile) => layoutsOf(profile).map((l) => ({ profile, spec: settlementHeader(profile, l) })));
  const nonBlank = records.filter((r) => r.fields.some((f) => f.trim() !== "")).slice(0, TITLE_LINES);
  if (nonBlank.length === 0) return unknown("the file is empty");
  for (const [i, { fields }] of nonBlank.entries()) {
    for (const c of candidates) {
      if (i > 0 && !c.spec.framed) continue;
      if (reads(fields.map(framedCell), c.spec)) return { ok: true, format: "csv", profile: c.profile.name };
    }
  }
  const best = nearest(nonBlank, candidates);
  if (!best) return unknown("no camt.053, MT940 or CSV header of a known profile in the first lines");
  const names = best.missing.map((m) => `"${m}"`).join(", ");
  return {
    ok: false,
    reason: `no profile reads this header; the nearest is "${best.profile}", ${best.missing.length > 0 ? `which lacks ${names}` : "but the header has columns it does not know"}`,
    nearest: best.profile,
    missing: best.missing,
  };
}

function reads(fields: string[], spec: HeaderSpec): boolean {
  try {
    headerColumns(fields, spec);
    return true;
  } catch {
    return false;
  }
}

/** The layout sharing most column names with one of the records, and its required columns that record lacks. */
function nearest(records: TableRecord[], candidates: Candidate[]): { profile: string; missing: string[] } | null {
  let best: { profile: string; missing: string[]; score: number } | null = null;
  for (const { fields } of records) {
    const cells = new Set(fields.map(normaliseHeader));
    for (const { profile, spec } of candidates) {
      const known = [...Object.values(spec.required), ...Object.values(spec.optional ?? {}), ...(spec.ignored ?? [])];
      const score = known.filter((h) => cells.has(normaliseHeader(h))).length;
      if (score > 0 && (!best || score > best.score)) {
        best = { profile: profile.name, score, missing: Object.values(spec.required).filter((h) => !cells.has(normaliseHeader(h))) };
      }
    }
  }
  return best && { profile: best.profile, missing: best.missing };
}

const unknown = (reason: string): DetectedLayout => ({ ok: false, reason, nearest: null, missing: [] });

export type SettlementLayoutChoice = { format: SettlementFormat; profile: string; recognised: boolean };

/**
 * The format and profile a statement is read with: as given; a profile name alone decides the
 * format when only one format has it; otherwise both are recognised from the file (a profile
 * given beside an unrecognised format still wins over the recognised one). An unrecognised file
 * is refused with the reason (nearest profile, columns it lacks).
 */
export async function chooseSettlementLayout(open: () => ByteSource, given: { format?: SettlementFormat; profile?: string }): Promise<SettlementLayoutChoice> {
  if (given.format) return { format: given.format, profile: given.profile ?? "default", recognised: false };
  const formats = [...new Set(SETTLEMENT_PROFILES.filter((p) => p.name === given.profile).map((p) => p.format))];
  if (formats.length === 1) return { format: formats[0]!, profile: given.profile!, recognised: false };
  const detected = detectSettlementLayout(await layoutSample(open()));
  if (!detected.ok) throw new StatementFileError(detected.reason);
  return { format: detected.format, profile: given.profile ?? detected.profile, recognised: true };
}
