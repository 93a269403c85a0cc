import { createHash } from "node:crypto";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFStream, type PDFObject } from "pdf-lib";
import sharp, { type Metadata } from "sharp";
import { scanPdfStreams } from "./pdf-streams";

/**
 * Proof-of-payment uploads (SPEC §4 "Nothing leaks"): the type is decided by
 * the bytes, never by the file name or the browser's Content-Type; images are
 * decoded and re-encoded so that nothing but pixels survives (EXIF with GPS,
 * XMP, ICC comments, PNG text chunks, trailing polyglot payloads); PDFs are
 * parsed and refused when encrypted or carrying active content, then stored
 * as given (re-rendering a PDF would need a renderer, and a bank's PDF receipt
 * is evidence best kept byte for byte).
 */

export const PROOF_LIMITS = {
  /** Per file; the form says 10 MB, phone photos of a receipt are 2–6 MB. */
  maxBytes: 10 * 1024 * 1024,
  maxFiles: 5,
  /**
   * Decoded pixels per image, checked from the header before any decoding.
   * 25 MP covers 12–24 MP phone photos and an A4 page scanned at 400 dpi
   * (about 15 MP) while capping a decode at about 100 MB of RGBA and ~1 s of
   * CPU: a 36 MP photo costs more than a core-second to re-encode, and five of
   * them in one 1 MB upload kept a 2-core server busy for 7 s.
   */
  maxPixels: 25_000_000,
  /** Wall-clock cap for one decode and re-encode. */
  decodeSeconds: 10,
} as const;

/** `too_complex`: a PDF whose compression is chained or expands past the limit (lib/uploads/pdf-streams.ts). */
export type ProofRejection = "empty" | "too_large" | "unsupported_type" | "too_many_pixels" | "too_complex" | "corrupt";

/** Why a PDF was refused as `unsupported_type`, for logs and staff, never needed by the page. */
export type ProofRejectionDetail = "pdf_encrypted" | "pdf_active_content" | "pdf_action";

export type VerifiedProof = {
  contentType: "image/jpeg" | "image/png" | "application/pdf";
  extension: "jpg" | "png" | "pdf";
  /** What to store: the re-encoded image, or the PDF as uploaded. */
  bytes: Buffer;
  /** SHA-256 (hex) of `bytes`. */
  sha256: string;
  /** SHA-256 (hex) of the upload as received: the same proof re-encoded twice still matches here. */
  originalSha256: string;
  /** Images: dimensions after auto-rotation. */
  width?: number;
  height?: number;
  /** PDFs: number of pages. */
  pages?: number;
};

export type ProofVerdict = { ok: true; proof: VerifiedProof } | { ok: false; code: ProofRejection; detail?: ProofRejectionDetail };

type Sniffed = "jpeg" | "png" | "pdf";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PDF_HEADER = Buffer.from("%PDF-", "latin1");

/** The three accepted types by their magic numbers; everything else (SVG, HTML, executables, HEIC…) is unsupported. */
export function sniffProofType(bytes: Buffer): Sniffed | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= PNG_SIGNATURE.length && bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) return "png";
  // The PDF header must open the file: a reader tolerates junk before it, which is how PDF/HTML polyglots work.
  if (bytes.length >= PDF_HEADER.length && bytes.subarray(0, PDF_HEADER.length).equals(PDF_HEADER)) return "pdf";
  return null;
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

export async function verifyProof(input: Buffer): Promise<ProofVerdict> {
  if (input.length === 0) return { ok: false, code: "empty" };
  if (input.length > PROOF_LIMITS.maxBytes) return { ok: false, code: "too_large" };
  const type = sniffProofType(input);
  if (type === null) return { ok: false, code: "unsupported_type" };
  return type === "pdf" ? verifyPdf(input) : verifyImage(input, type);
}

async function verifyImage(input: Buffer, type: "jpeg" | "png"): Promise<ProofVerdict> {
  // Header only: no pixel is decoded before the dimensions are known to be sane.
  let header: Metadata;
  try {
    header = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, code: "corrupt" };
  }
  if (header.format !== type || !header.width || !header.height) return { ok: false, code: "corrupt" };
  if (header.width * header.height > PROOF_LIMITS.maxPixels) return { ok: false, code: "too_many_pixels" };

  try {
    // failOn "truncated": a cut-off upload is refused rather than stored with a grey bottom half.
    // Without withMetadata/keepMetadata sharp writes no EXIF, XMP, IPTC, ICC or PNG text; colours
    // are converted to sRGB first, and autoOrient applies the EXIF orientation before it is dropped.
    const pipeline = sharp(input, { limitInputPixels: PROOF_LIMITS.maxPixels, failOn: "truncated" })
      .timeout({ seconds: PROOF_LIMITS.decodeSeconds })
      .autoOrient();
    const { data, info } =
      type === "jpeg"
        ? await pipeline.jpeg({ quality: 85 }).toBuffer({ resolveWithObject: true })
        : await pipeline.png().toBuffer({ resolveWithObject: true });
    return {
      ok: true,
      proof: {
        contentType: type === "jpeg" ? "image/jpeg" : "image/png",
        extension: type === "jpeg" ? "jpg" : "png",
        bytes: data,
        sha256: sha256(data),
        originalSha256: sha256(input),
        width: info.width,
        height: info.height,
      },
    };
  } catch {
    return { ok: false, code: "corrupt" };
  }
}

/**
 * Names that make a PDF do something when opened: run script, start a
 * program, carry another file, play Flash/3D content, or send data.
 */
const ACTIVE_PDF_NAMES = new Set([
  "JavaScript",
  "JS",
  "Launch",
  "EmbeddedFile",
  "EmbeddedFiles",
  "RichMedia",
  "XFA",
  "GoToE",
  "ImportData",
  "SubmitForm",
]);
/**
 * Action types (the /S of an action dictionary) other than the internal /GoTo:
 * a proof has no business opening a web page (/URI, which also leaks that it
 * was opened), another file or a UNC path (/GoToR, /Launch: NTLM hashes leak
 * to an SMB server), playing media or sending forms. Viewers run /OpenAction
 * and /AA without a click, and a link is one click from a staff member.
 */
export const REFUSED_PDF_ACTIONS = new Set([
  "URI",
  "Launch",
  "GoToR",
  "GoToE",
  "GoToDp",
  "JavaScript",
  "Rendition",
  "Sound",
  "Movie",
  "SubmitForm",
  "ResetForm",
  "ImportData",
  "Hide",
  "Named",
  "Thread",
  "SetOCGState",
  "Trans",
  "GoTo3DView",
  "RichMediaExecute",
]);
/** `/S /Name` in the raw bytes (uncompressed objects); compressed ones are found by the structural scan. */
const ACTION_RAW = /\/S\s*\/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)/g;
const ACTION_TYPE = PDFName.of("S");

/** The subset long enough to look for in the raw bytes without false alarms from compressed data. */
const ACTIVE_PDF_RAW = /\/((?:[A-Za-z]|#[0-9A-Fa-f]{2}){5,})/g;

/** PDF names may spell any character as #xx, in either case: /J#61vaScript is /JavaScript. */
const decodePdfName = (name: string) => name.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const isActiveName = (name: PDFName) => ACTIVE_PDF_NAMES.has(decodePdfName(name.decodeText()));

function containsActiveContent(value: PDFObject, seen: Set<PDFObject>): boolean {
  if (seen.has(value)) return false;
  seen.add(value);
  if (value instanceof PDFName) return isActiveName(value);
  if (value instanceof PDFStream) return containsActiveContent(value.dict, seen);
  if (value instanceof PDFArray) return value.asArray().some((item) => containsActiveContent(item, seen));
  if (value instanceof PDFDict) {
    const type = value.get(ACTION_TYPE);
    if (type instanceof PDFName && REFUSED_PDF_ACTIONS.has(decodePdfName(type.decodeText()))) return true;
    return value.entries().some(([key, item]) => isActiveName(key) || containsActiveContent(item, seen));
  }
  return false;
}

async function verifyPdf(input: Buffer): Promise<ProofVerdict> {
  // A complete file ends with %%EOF (readers look in the last kilobyte); a cut-off upload does not.
  const tail = input.subarray(Math.max(0, input.length - 1024)).toString("latin1");
  if (!tail.includes("%%EOF")) return { ok: false, code: "corrupt" };

  // Raw scan first: catches active content in objects an incremental update hid from the parser's view.
  for (const match of input.toString("latin1").matchAll(ACTIVE_PDF_RAW)) {
    if (ACTIVE_PDF_NAMES.has(decodePdfName(match[1]!))) return { ok: false, code: "unsupported_type", detail: "pdf_active_content" };
  }
  for (const match of input.toString("latin1").matchAll(ACTION_RAW)) {
    if (REFUSED_PDF_ACTIONS.has(decodePdfName(match[1]!))) return { ok: false, code: "unsupported_type", detail: "pdf_action" };
  }
  // Every compressed stream inflated within a budget, chains refused, before the parser inflates anything.
  const streams = await scanPdfStreams(input);
  if (!streams.ok) return { ok: false, code: streams.reason === "corrupt" ? "corrupt" : "too_complex" };

  let doc: PDFDocument;
  try {
    // throwOnInvalidObject: refuse rather than guess (and pdf-lib would otherwise console.warn).
    // Encryption is checked below rather than by ignoreEncryption: false, because pdf-lib's
    // EncryptedPDFError is compiled to ES5 and cannot be told apart from a parse error.
    doc = await PDFDocument.load(input, { ignoreEncryption: true, throwOnInvalidObject: true, updateMetadata: false });
  } catch {
    return { ok: false, code: "corrupt" };
  }
  // Encrypted (even with an empty user password): its strings cannot be checked, and staff could not open it.
  if (doc.isEncrypted || doc.context.trailerInfo.Encrypt !== undefined) return { ok: false, code: "unsupported_type", detail: "pdf_encrypted" };

  // Structural scan over every parsed object, including those unpacked from compressed object streams.
  const seen = new Set<PDFObject>();
  const trailer = doc.context.trailerInfo;
  const roots = [...doc.context.enumerateIndirectObjects().map(([, object]) => object), trailer.Root, trailer.Info].filter(
    (object): object is PDFObject => object !== undefined,
  );
  if (roots.some((object) => containsActiveContent(object, seen))) {
    return { ok: false, code: "unsupported_type", detail: "pdf_active_content" };
  }

  let pages: number;
  try {
    pages = doc.getPageCount();
  } catch {
    return { ok: false, code: "corrupt" };
  }
  if (pages < 1) return { ok: false, code: "corrupt" };

  const bytes = Buffer.from(input);
  const digest = sha256(bytes);
  return { ok: true, proof: { contentType: "application/pdf", extension: "pdf", bytes, sha256: digest, originalSha256: digest, pages } };
}
