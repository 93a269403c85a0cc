import { parseCamt053 } from "./camt053";
import type { TextEncodingName } from "./decode";
import { parseMt940 } from "./mt940";
import { findProfile, SETTLEMENT_PROFILES, type SettlementProfile } from "./profiles";
import { parseSettlementsCsv } from "./settlements-csv";
import { StatementFileError, type ByteSource, type ParseEvent, type SettlementFormat, type SettlementRecord } from "./types";

export { chooseSettlementLayout, detectSettlementLayout, layoutSample, type DetectedLayout, type SettlementLayoutChoice } from "./detect";
export { parseReceiptsCsv } from "./receipts-csv";
export { StatementFileError, SETTLEMENT_FORMATS } from "./types";
export type { ParseEvent, ReceiptRecord, SettlementFormat, SettlementRecord } from "./types";

export type SettlementsOptions = {
  format: SettlementFormat;
  profile?: string;
  channels?: ReadonlySet<string>;
  onEncoding?: (e: TextEncodingName) => void;
};

/** The profile a statement is read with; an unknown profile, or one whose channel is not configured, is a file-level refusal. */
export function settlementProfile(options: Omit<SettlementsOptions, "onEncoding">): SettlementProfile {
  const profile = findProfile(options.format, options.profile);
  if (!profile) {
    const known = SETTLEMENT_PROFILES.filter((p) => p.format === options.format).map((p) => p.name);
    throw new StatementFileError(`unknown profile "${options.profile}" for ${options.format} (known: ${known.join(", ")})`);
  }
  if (profile.channel && options.channels && !options.channels.has(profile.channel)) {
    throw new StatementFileError(`profile "${profile.name}" uses channel "${profile.channel}", which is not configured`);
  }
  return profile;
}

/** Picks the parser for a statement format and profile. */
export function parseSettlements(source: ByteSource, options: SettlementsOptions): AsyncGenerator<ParseEvent<SettlementRecord>[]> {
  const profile = settlementProfile(options);
  switch (options.format) {
    case "csv":
      return parseSettlementsCsv(source, { profile, channels: options.channels, onEncoding: options.onEncoding });
    case "camt053":
      return parseCamt053(source, { channel: profile.channel, onEncoding: options.onEncoding });
    case "mt940":
      return parseMt940(source, { channel: profile.channel, onEncoding: options.onEncoding });
  }
}
