import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { StatementFileError, type ByteSource } from "./types";

/**
 * Bank exports arrive as UTF-8 (with or without BOM) or GBK, and nothing in
 * the file says which. The encoding is decided from the first non-ASCII bytes
 * (ASCII reads the same in both), then every later byte is decoded strictly:
 * a file that turns out not to be valid text in that encoding is refused
 * rather than imported with mangled names and remittance text.
 */

export type TextEncodingName = "utf-8" | "gbk";

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const SAMPLE_BYTES = 4096;

/** True when `bytes` is valid UTF-8, allowing a multi-byte character cut at the end. */
function looksUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `bytes` is valid GBK (lead 0x81–0xFE, trail 0x40–0xFE except 0x7F), allowing a
 * character cut at the end. GBK here is read as GB18030, its superset: the same two-byte
 * characters, plus four-byte ones (81–FE 30–39 81–FE 30–39) for what GBK lacks, such as the
 * emoji in a WeChat or Alipay nickname or product name.
 */
function looksGbk(bytes: Uint8Array): boolean {
  const digit = (x: number | undefined) => x === undefined || (x >= 0x30 && x <= 0x39);
  const lead = (x: number | undefined) => x === undefined || (x >= 0x81 && x <= 0xfe);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    if (b === 0x80 || b === 0xff) return false;
    if (i + 1 >= bytes.length) return true;
    const t = bytes[++i]!;
    if (t >= 0x30 && t <= 0x39) {
      if (!lead(bytes[i + 1]) || !digit(bytes[i + 2])) return false;
      i += 2;
      continue;
    }
    if (t < 0x40 || t === 0x7f || t === 0xff) return false;
  }
  return true;
}

function firstNonAscii(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return i;
  return -1;
}

/** Decides the encoding from a sample that starts at the first non-ASCII byte. */
export function detectEncoding(sample: Uint8Array): TextEncodingName | null {
  if (looksUtf8(sample)) return "utf-8";
  if (looksGbk(sample)) return "gbk";
  return null;
}

/**
 * What a chunk says about the file's encoding: "ascii" while it has no
 * non-ASCII byte, otherwise the encoding its first non-ASCII bytes fit (null: neither).
 */
export function chunkEncoding(bytes: Uint8Array): TextEncodingName | "ascii" | null {
  const at = firstNonAscii(bytes);
  return at < 0 ? "ascii" : detectEncoding(bytes.subarray(at, at + SAMPLE_BYTES));
}

type Decoder = { write: (b: Uint8Array) => string; end: () => string };

function strictDecoder(encoding: TextEncodingName): Decoder {
  if (encoding === "utf-8") {
    const d = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
    return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
  }
  // iconv-lite's streaming GB18030 decoder drops text when a four-byte character is cut between
  // chunks: whole characters are decoded here, and the cut one waits for the next chunk.
  let pending = Buffer.alloc(0);
  return {
    write: (b) => {
      const bytes = Buffer.concat([pending, Buffer.from(b.buffer, b.byteOffset, b.byteLength)]);
      const end = wholeCharacters(bytes);
      pending = bytes.subarray(end);
      return iconv.decode(bytes.subarray(0, end), "gb18030");
    },
    end: () => (pending.length > 0 ? iconv.decode(pending, "gb18030") : ""),
  };
}

/** Where the last whole GB18030 character of `bytes` ends (one byte below 0x80, two, or four with a digit second). */
function wholeCharacters(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const second = bytes[i + 1];
    if (second === undefined) break;
    const size = second >= 0x30 && second <= 0x39 ? 4 : 2;
    if (i + size > bytes.length) break;
    i += size;
  }
  return i;
}

/**
 * Decodes a byte stream to text chunks. `onEncoding` reports the encoding
 * once it is known ("utf-8" for pure ASCII files).
 */
export async function* decodeText(source: ByteSource, onEncoding?: (e: TextEncodingName) => void): AsyncGenerator<string> {
  let decoder: Decoder | null = null;
  let encoding: TextEncodingName | null = null;
  let first = true;
  // Counted so that an error can say where the bad bytes are: line, and characters read of it.
  let lines = 1;
  let lineChars = 0;
  const advance = (text: string) => {
    const last = text.lastIndexOf("\n");
    lines += countNewlines(text);
    lineChars = last < 0 ? lineChars + text.length : text.length - last - 1;
  };

  const decide = (bytes: Uint8Array) => {
    const found = chunkEncoding(bytes);
    if (found === "ascii") return false;
    encoding = found;
    if (!encoding) throw new StatementFileError(`the file is neither UTF-8 nor GBK text (wrong encoding?) from line ${lines + newlinesBefore(bytes, firstNonAscii(bytes))}`);
    decoder = strictDecoder(encoding);
    onEncoding?.(encoding);
    return true;
  };

  for await (const raw of source) {
    let chunk: Uint8Array = raw;
    if (first) {
      first = false;
      if (chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
        throw new StatementFileError("the file is UTF-16; export it as UTF-8 or GBK");
      }
      if (chunk.length >= 3 && UTF8_BOM.every((b, i) => chunk[i] === b)) {
        chunk = chunk.subarray(3);
        encoding = "utf-8";
        decoder = strictDecoder("utf-8");
        onEncoding?.("utf-8");
      }
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) throw new StatementFileError(`the file contains NUL bytes from line ${lines + newlinesBefore(chunk, nul)}: it is not a text export (wrong encoding?)`);
    if (!decoder) {
      // Still undecided: all ASCII so far, which reads the same in both encodings.
      if (!decide(chunk)) {
        const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
        advance(text);
        yield text;
        continue;
      }
    }
    const text = decodeOrRefuse(decoder!, encoding!, chunk, lines, lineChars);
    advance(text);
    if (text) yield text;
  }
  if (decoder) {
    const tail = decodeOrRefuse({ write: () => (decoder as Decoder).end(), end: () => "" }, encoding!, new Uint8Array(), lines, lineChars);
    if (tail) yield tail;
  } else {
    onEncoding?.("utf-8");
  }
}

function decodeOrRefuse(decoder: Decoder, encoding: TextEncodingName, chunk: Uint8Array, line: number, lineChars: number): string {
  let text: string;
  try {
    text = decoder.write(chunk);
  } catch {
    // Where: the chunk decoded leniently, its first replacement character (bytes continuing a
    // character from the previous chunk are left out, as the strict decoder had read them).
    let start = 0;
    while (start < 3 && start < chunk.length && (chunk[start]! & 0xc0) === 0x80) start++;
    throw invalid("UTF-8", new TextDecoder("utf-8").decode(chunk.subarray(start)), line, lineChars);
  }
  // iconv-lite marks undecodable GBK bytes with U+FFFD instead of throwing.
  if (encoding === "gbk" && text.includes("\uFFFD")) throw invalid("GBK", text, line, lineChars);
  return text;
}

/** The refusal for text that is not valid in its encoding, at the line and column of its first replacement character. */
function invalid(encoding: string, text: string, firstLine: number, lineChars: number): StatementFileError {
  const at = Math.max(0, text.indexOf("\uFFFD"));
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf("\n") + 1;
  const column = (lineStart === 0 ? lineChars : 0) + at - lineStart + 1;
  return new StatementFileError(`the file is not valid ${encoding} at line ${firstLine + countNewlines(before)}, column ${column} (mixed or wrong encoding)`);
}

function newlinesBefore(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * The first part of a file as text, for recognising its layout: the same encoding decision as
 * decodeText, but lenient, as a sample may end inside a character. Null when the bytes are not
 * text in either encoding (UTF-16, NUL bytes, neither UTF-8 nor GBK).
 */
export function decodeSample(sample: Uint8Array): string | null {
  let bytes = sample;
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return null;
  const bom = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b);
  if (bom) bytes = bytes.subarray(3);
  if (bytes.includes(0)) return null;
  const encoding = bom ? "utf-8" : chunkEncoding(bytes);
  if (encoding === null) return null;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding === "gbk" ? iconv.decode(buffer, "gb18030") : new TextDecoder("utf-8").decode(buffer);
}

/** Test and script helper: a byte source over one buffer, cut into chunks of `size` bytes. */
export function bytesOf(data: Uint8Array | string, size = 65536): ByteSource {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: true }) as AsyncIterable<Uint8Array>;
}
