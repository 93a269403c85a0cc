import { deflateSync } from "node:zlib";

/**
 * Hostile proofs built in memory for tests (no binary files in the repository):
 * the issue-12 PDF bomb and a JPEG whose header claims more pixels than allowed.
 */

/**
 * An object stream compressed twice (/Filter [/FlateDecode /FlateDecode]): `expandsTo` zero bytes
 * deflate to ~1/1000 of that, and deflate again to about a kilobyte. A parser that inflates without
 * a bound allocates all of `expandsTo`.
 */
export function flateInFlatePdf(expandsTo = 64 * 1024 * 1024): Buffer {
  const inner = deflateSync(deflateSync(Buffer.alloc(expandsTo), { level: 9 }), { level: 9 });
  const head = Buffer.from("%PDF-1.7\n", "latin1");
  const catalog = Buffer.from("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n", "latin1");
  const streamHead = Buffer.from(`3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length ${inner.length} /Filter [/FlateDecode /FlateDecode] >>\nstream\n`, "latin1");
  const streamTail = Buffer.from("\nendstream\nendobj\n", "latin1");
  const body = Buffer.concat([head, catalog, streamHead, inner, streamTail]);
  const o1 = head.length;
  const o2 = o1 + catalog.indexOf("2 0 obj");
  const o3 = head.length + catalog.length;
  const pad = (n: number) => String(n).padStart(10, "0");
  const xref = `xref\n0 4\n0000000000 65535 f \n${pad(o1)} 00000 n \n${pad(o2)} 00000 n \n${pad(o3)} 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n${body.length}\n%%EOF\n`;
  return Buffer.concat([body, Buffer.from(xref, "latin1")]);
}

/** A baseline JPEG of 8×8 grey pixels whose frame header (SOF0) claims width×height. */
export function jpegDeclaring(width: number, height: number): Buffer {
  const segment = (marker: number, data: number[]) => [0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...data];
  const qt = segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  const sof = segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  // One DC table with a single 1-bit code for category 0, one AC table with a single code for EOB.
  const dht = segment(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0x00, 0x10, 1, ...new Array<number>(15).fill(0), 0x00]);
  const sos = segment(0xda, [1, 1, 0x00, 0, 63, 0]);
  return Buffer.from([0xff, 0xd8, ...qt, ...sof, ...dht, ...sos, 0x00, 0xff, 0xd9]);
}

/** A PDF written by hand (correct xref offsets), for shapes pdf-lib will not produce. */
export function handPdf(objects: string[], trailerExtra = ""): Buffer {
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** The page tree of a one-page PDF made with handPdf, after its catalog (object 1). */
export const ONE_PAGE = ["<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"];
export const pdfCatalog = (extra = "") => `<< /Type /Catalog /Pages 2 0 R ${extra}>>`;
