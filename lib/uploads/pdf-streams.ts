import { inflate } from "node:zlib";
import { promisify } from "node:util";

/**
 * Decompression limits for PDF proofs, checked on the raw bytes before any
 * PDF parser sees the file. A parser (pdf-lib) inflates object streams
 * synchronously and without a bound: a 1 KB "Flate inside Flate" stream
 * expands to hundreds of megabytes. Here every compressed stream is inflated
 * with Node's asynchronous zlib (on the thread pool) and a cap on its output,
 * so a bomb costs at most the budget, and a chain of decompressing filters is
 * refused outright: a bank's or a phone's PDF never needs one.
 */
export const PDF_STREAM_LIMITS = {
  /** Total decompressed bytes over every stream of one file (a multi-page scanned receipt is a few MB). */
  maxDecodedBytes: 32 * 1024 * 1024,
  /** At most one filter per stream ([/FlateDecode /FlateDecode] and other chains are refused). */
  maxFiltersPerStream: 1,
  /** Streams per file: a one-page receipt has a handful, a 50-page statement a few hundred. */
  maxStreams: 5000,
} as const;

/** Filters that decompress (and can be bombs) and that we can bound here; LZW is refused as unboundable cheaply. */
const FLATE = new Set(["FlateDecode", "Fl"]);
const REFUSED_FILTERS = new Set(["LZWDecode", "LZW", "RunLengthDecode", "RL", "Crypt"]);

export type StreamScan = { ok: true; streams: number; decodedBytes: number } | { ok: false; reason: "chained_filters" | "refused_filter" | "too_much_data" | "corrupt" };

const inflateAsync = promisify(inflate) as (input: Buffer, options: { maxOutputLength: number; finishFlush: number }) => Promise<Buffer>;

/** PDF names may spell any character as #xx. */
const decodeNames = (text: string) => text.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The filter names a stream dictionary declares (/Filter /X or /Filter [/X /Y]); null when it declares none. */
export function declaredFilters(dictionary: string): string[] | null {
  const text = decodeNames(dictionary.replace(/%[^\r\n]*/g, " "));
  const all: string[] = [];
  let found = false;
  for (const match of text.matchAll(/\/Filter\s*(\[[^\]]*\]|\/[^\s/<>[\]()]+)/g)) {
    found = true;
    all.push(...[...match[1]!.matchAll(/\/([^\s/<>[\]()]+)/g)].map((m) => m[1]!));
    // A filter given indirectly (/Filter 5 0 R) cannot be judged from the bytes: count it as a chain.
  }
  if (/\/Filter\s*\d+\s+\d+\s+R/.test(text)) return ["?indirect", "?indirect"];
  return found ? all : null;
}

/**
 * Finds every `stream … endstream` body and the dictionary before it (from the
 * object's `obj` keyword), refuses chains and unboundable filters, and
 * inflates each Flate stream within what is left of the budget.
 */
export async function scanPdfStreams(input: Buffer, limits = PDF_STREAM_LIMITS): Promise<StreamScan> {
  const text = input.toString("latin1");
  let budget = limits.maxDecodedBytes;
  let streams = 0;
  for (const match of text.matchAll(/(?<![A-Za-z])stream(\r\n|\n|\r)/g)) {
    const start = match.index + match[0].length;
    // The dictionary: back to the `obj` that opened this object (a stream is always an indirect object).
    const objAt = text.lastIndexOf("obj", match.index);
    if (objAt < 0 || match.index - objAt > 64 * 1024) return { ok: false, reason: "corrupt" };
    const filters = declaredFilters(text.slice(objAt, match.index)) ?? [];
    if (++streams > limits.maxStreams) return { ok: false, reason: "too_much_data" };
    if (filters.length > limits.maxFiltersPerStream) return { ok: false, reason: "chained_filters" };
    if (filters.some((f) => REFUSED_FILTERS.has(f))) return { ok: false, reason: "refused_filter" };
    if (!filters.some((f) => FLATE.has(f))) continue;
    const end = text.indexOf("endstream", start);
    if (end < 0) return { ok: false, reason: "corrupt" };
    try {
      // Z_SYNC_FLUSH: a stream without its final block (common, harmless) still counts what it yields.
      const out = await inflateAsync(input.subarray(start, end), { maxOutputLength: Math.max(1, budget), finishFlush: 2 });
      budget -= out.length;
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return { ok: false, reason: "too_much_data" };
      return { ok: false, reason: "corrupt" };
    }
    if (budget <= 0) return { ok: false, reason: "too_much_data" };
  }
  return { ok: true, streams, decodedBytes: limits.maxDecodedBytes - budget };
}
