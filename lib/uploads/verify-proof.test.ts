import { createHash } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";
import { PDFDocument, PDFName, PDFString } from "pdf-lib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { flateInFlatePdf, handPdf, jpegDeclaring, ONE_PAGE, pdfCatalog } from "./testing";
import { PROOF_LIMITS, sniffProofType, verifyProof, type ProofRejection, type ProofRejectionDetail } from "./verify-proof";

// Every fixture is made here, in memory: no binary files in the repository.

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
/** One PNG chunk with a valid CRC. */
const pngChunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
};
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG whose IHDR claims width×height pixels; the pixels themselves are never allocated. */
function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", ihdr), pngChunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), pngChunk("IEND", Buffer.alloc(0))]);
}

const noise = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 40 } } });

const GPS_MARKER = "PaystatusTestCam-GPS";
const XMP_MARKER = "xmp-home-address-marker";

/** A phone photo as it arrives: EXIF with camera make and GPS position, XMP, a wide-gamut ICC profile. */
async function jpegWithGps(): Promise<Buffer> {
  return noise(96, 64)
    .jpeg()
    .withExif({
      IFD0: { Make: GPS_MARKER, Model: "Test" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "39/1 54/1 2710/100", GPSLongitudeRef: "E", GPSLongitude: "116/1 23/1 1703/100" },
    })
    .withXmp(
      `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${XMP_MARKER}</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`,
    )
    .withIccProfile("p3")
    .toBuffer();
}

/** EXIF IFD0 has tag 0x8825 (GPSInfo pointer) in the TIFF byte order the block declares. */
function exifHasGpsPointer(exif: Buffer): boolean {
  const tiff = exif.subarray(exif.indexOf("II") >= 0 && exif.indexOf("II") < 10 ? exif.indexOf("II") : exif.indexOf("MM"));
  const tag = tiff.subarray(0, 2).toString("latin1") === "II" ? Buffer.from([0x25, 0x88]) : Buffer.from([0x88, 0x25]);
  return tiff.includes(tag);
}

async function plainPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([300, 200]).drawText("Receipt 2026110000000011 paid 25.00");
  return Buffer.from(await doc.save());
}

async function pdfWithOpenActionScript(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([300, 200]);
  const action = doc.context.obj({ Type: "Action", S: "JavaScript", JS: PDFString.of("app.alert(1)") });
  doc.catalog.set(PDFName.of("OpenAction"), doc.context.register(action));
  // Object streams (the default) compress the action: only a parse, not a byte search, finds it.
  return Buffer.from(await doc.save({ useObjectStreams: true }));
}

async function pdfWithAttachment(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([300, 200]);
  await doc.attach(Buffer.from("MZ not really"), "invoice.exe", { mimeType: "application/octet-stream" });
  return Buffer.from(await doc.save());
}

type HostileCase = { name: string; make: () => Buffer | Promise<Buffer>; code: ProofRejection; detail?: ProofRejectionDetail };

const hostile: HostileCase[] = [
  { name: "an empty file", make: () => Buffer.alloc(0), code: "empty" },
  {
    name: "SVG with script, named .png",
    make: () => Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>'),
    code: "unsupported_type",
  },
  { name: "SVG without XML prolog", make: () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), code: "unsupported_type" },
  { name: "HTML named .jpg", make: () => Buffer.from("<!doctype html><html><body><script>fetch('/staff')</script></body></html>"), code: "unsupported_type" },
  { name: "PNG magic followed by <script> junk", make: () => Buffer.concat([PNG_SIGNATURE, Buffer.from("<script>alert(1)</script>".repeat(20))]), code: "corrupt" },
  { name: "JPEG magic followed by HTML", make: () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("<html><script>x()</script></html>")]), code: "corrupt" },
  { name: "Windows executable (MZ) named .pdf", make: () => Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), Buffer.alloc(120), Buffer.from("This program cannot be run in DOS mode.")]), code: "unsupported_type" },
  { name: "ELF executable named .pdf", make: () => Buffer.concat([Buffer.from("\x7fELF\x02\x01\x01", "latin1"), Buffer.alloc(64)]), code: "unsupported_type" },
  { name: "a GIF (not accepted)", make: () => Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"), code: "unsupported_type" },
  { name: "%PDF- after leading junk (polyglot)", make: async () => Buffer.concat([Buffer.from("<html>"), await plainPdf()]), code: "unsupported_type" },
  { name: "PNG declaring 40000×40000 pixels", make: () => pngDeclaring(40_000, 40_000), code: "too_many_pixels" },
  { name: "PNG declaring just over the pixel limit", make: () => pngDeclaring(5000, 5001), code: "too_many_pixels" },
  { name: "a 36-megapixel JPEG (header only)", make: () => jpegDeclaring(6000, 6000), code: "too_many_pixels" },
  { name: "the 932-byte Flate-in-Flate PDF bomb (256 MB)", make: () => flateInFlatePdf(256 * 1024 * 1024), code: "too_complex" },
  {
    name: "a PDF stream inflating past the budget",
    make: () => handPdf([pdfCatalog(), ...ONE_PAGE, `<< /Length 0 /Filter /FlateDecode >>\nstream\n${deflateSync(Buffer.alloc(40 * 1024 * 1024)).toString("latin1")}\nendstream`]),
    code: "too_complex",
  },
  { name: "a PDF with an LZW stream", make: () => handPdf([pdfCatalog(), ...ONE_PAGE, "<< /Length 1 /Filter /LZWDecode >>\nstream\nx\nendstream"]), code: "too_complex" },
  { name: "a PDF opening a web page (/OpenAction /URI)", make: () => handPdf([pdfCatalog("/OpenAction << /S /URI /URI (https://evil.example/track) >> "), ...ONE_PAGE]), code: "unsupported_type", detail: "pdf_action" },
  { name: "a PDF opening a UNC path (/GoToR)", make: () => handPdf([pdfCatalog("/OpenAction << /S /GoToR /F (\\\\\\\\evil.example\\\\share\\\\x.pdf) /D [0 /Fit] >> "), ...ONE_PAGE]), code: "unsupported_type", detail: "pdf_action" },
  { name: "a PDF with /S /Rendition spelled in #xx escapes", make: () => handPdf([pdfCatalog("/OpenAction << /S /Rendi#74ion >> "), ...ONE_PAGE]), code: "unsupported_type", detail: "pdf_action" },
  { name: "a PDF with a /Sound action on a page (/AA)", make: () => handPdf([pdfCatalog(), ONE_PAGE[0]!, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O << /S /Sound >> >> >>"]), code: "unsupported_type", detail: "pdf_action" },
  { name: "a 12 MB file", make: () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(12 * 1024 * 1024)]), code: "too_large" },
  { name: "a truncated JPEG", make: async () => { const full = await noise(256, 256).jpeg().toBuffer(); return full.subarray(0, Math.floor(full.length * 0.7)); }, code: "corrupt" },
  { name: "a truncated PNG", make: async () => { const full = await noise(256, 256).png().toBuffer(); return full.subarray(0, Math.floor(full.length * 0.7)); }, code: "corrupt" },
  { name: "a PDF without %%EOF", make: async () => { const pdf = await plainPdf(); return pdf.subarray(0, pdf.lastIndexOf("%%EOF")); }, code: "corrupt" },
  { name: "%PDF- header, HTML body, %%EOF", make: () => Buffer.from("%PDF-1.7\n<html><script>alert(1)</script></html>\n%%EOF\n"), code: "corrupt" },
  { name: "a PDF with an /OpenAction /JavaScript (in a compressed object stream)", make: pdfWithOpenActionScript, code: "unsupported_type", detail: "pdf_active_content" },
  { name: "a PDF with /JavaScript spelled in #xx escapes", make: () => handPdf([pdfCatalog("/OpenAction << /S /#4a#61vaScript /#4A#53 (app.alert(1)) >> "), ...ONE_PAGE]), code: "unsupported_type", detail: "pdf_active_content" },
  { name: "a PDF with a bare /JS action", make: () => handPdf([pdfCatalog("/OpenAction 4 0 R "), ...ONE_PAGE, "<< /S /X /JS (app.alert(1)) >>"]), code: "unsupported_type", detail: "pdf_active_content" },
  { name: "a PDF with a /Launch action", make: () => handPdf([pdfCatalog("/OpenAction << /S /Launch /F (cmd.exe) >> "), ...ONE_PAGE]), code: "unsupported_type", detail: "pdf_active_content" },
  { name: "a PDF with an /EmbeddedFile", make: pdfWithAttachment, code: "unsupported_type", detail: "pdf_active_content" },
  {
    name: "an encrypted PDF",
    make: () => handPdf([pdfCatalog(), ...ONE_PAGE, "<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"], "/Encrypt 4 0 R /ID [<00> <00>] "),
    code: "unsupported_type",
    detail: "pdf_encrypted",
  },
];

describe("verifyProof refuses the hostile corpus", () => {
  it.each(hostile)("$name → $code", async ({ make, code, detail }) => {
    const result = await verifyProof(await make());
    expect(result).toEqual(detail ? { ok: false, code, detail } : { ok: false, code });
  });
});

describe("verifyProof accepts real proofs", () => {
  it("re-encodes a phone JPEG and strips EXIF, GPS, XMP and ICC", async () => {
    const input = await jpegWithGps();
    const before = await sharp(input).metadata();
    expect(before.exif).toBeDefined();
    expect(exifHasGpsPointer(before.exif!)).toBe(true);
    expect(before.xmp).toBeDefined();
    expect(before.icc).toBeDefined();
    expect(input.includes(GPS_MARKER)).toBe(true);
    expect(input.includes(XMP_MARKER)).toBe(true);

    const result = await verifyProof(input);
    if (!result.ok) throw new Error(result.code);
    const { proof } = result;
    expect(proof).toMatchObject({ contentType: "image/jpeg", extension: "jpg", width: 96, height: 64 });
    expect(sniffProofType(proof.bytes)).toBe("jpeg");
    const after = await sharp(proof.bytes).metadata();
    expect(after).toMatchObject({ format: "jpeg", width: 96, height: 64 });
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toBeUndefined();
    for (const needle of [GPS_MARKER, XMP_MARKER, "Exif\0\0", "http://ns.adobe.com/xap", "ICC_PROFILE"]) {
      expect(proof.bytes.includes(needle), needle).toBe(false);
    }
    expect(proof.originalSha256).toBe(sha256(input));
    expect(proof.sha256).toBe(sha256(proof.bytes));
    expect(proof.sha256).not.toBe(proof.originalSha256);
  });

  it("turns a photo upright by its EXIF orientation before dropping it", async () => {
    const input = await noise(40, 20).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const result = await verifyProof(input);
    if (!result.ok) throw new Error(result.code);
    expect(result.proof).toMatchObject({ width: 20, height: 40 });
    const after = await sharp(result.proof.bytes).metadata();
    expect(after).toMatchObject({ width: 20, height: 40 });
    expect(after.orientation).toBeUndefined();
  });

  it("drops a payload appended after the JPEG (polyglot)", async () => {
    const payload = "<html><script>steal()</script></html>";
    const input = Buffer.concat([await noise(32, 32).jpeg().toBuffer(), Buffer.from(payload)]);
    const result = await verifyProof(input);
    if (!result.ok) throw new Error(result.code);
    expect(result.proof.bytes.includes(payload)).toBe(false);
  });

  it("keeps a PNG a PNG and drops its text chunks", async () => {
    const plain = await noise(50, 30).png().toBuffer();
    // Insert a tEXt chunk right after IHDR (8-byte signature + 25-byte IHDR chunk).
    const text = pngChunk("tEXt", Buffer.from("Comment\0home address: marker-png-text", "latin1"));
    const input = Buffer.concat([plain.subarray(0, 33), text, plain.subarray(33)]);
    expect((await sharp(input).metadata()).comments).toBeDefined();

    const result = await verifyProof(input);
    if (!result.ok) throw new Error(result.code);
    expect(result.proof).toMatchObject({ contentType: "image/png", extension: "png", width: 50, height: 30 });
    const after = await sharp(result.proof.bytes).metadata();
    expect(after.format).toBe("png");
    expect(after.comments).toBeUndefined();
    expect(result.proof.bytes.includes("marker-png-text")).toBe(false);
    expect(result.proof.originalSha256).toBe(sha256(input));
  });

  it("lets a PNG at exactly the pixel limit past the header check (its missing pixel data is then corrupt)", async () => {
    expect(5000 * 5000).toBe(PROOF_LIMITS.maxPixels);
    expect(await verifyProof(pngDeclaring(5000, 5000))).toEqual({ ok: false, code: "corrupt" });
  });

  it.each([
    { name: "a PDF made by pdf-lib", make: plainPdf },
    { name: "a hand-written minimal PDF", make: () => handPdf([pdfCatalog(), ...ONE_PAGE]) },
    { name: "a PDF opening its own page 1 (/GoTo)", make: () => handPdf([pdfCatalog("/OpenAction << /S /GoTo /D [3 0 R /Fit] >> "), ...ONE_PAGE]) },
  ])("stores $name byte for byte", async ({ make }) => {
    const input = await make();
    const result = await verifyProof(input);
    if (!result.ok) throw new Error(result.code);
    expect(result.proof).toMatchObject({ contentType: "application/pdf", extension: "pdf", pages: 1 });
    expect(result.proof.bytes.equals(input)).toBe(true);
    expect(result.proof.sha256).toBe(sha256(input));
    expect(result.proof.originalSha256).toBe(sha256(input));
  });
});
