import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { count, eq, like } from "drizzle-orm";
import sharp from "sharp";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { attachmentForHolder, ticketForHolder } from "@/db/queries/tickets";
import { outbox, rateLimits, storedFiles, ticketAttachments, ticketEvents, tickets } from "@/db/schema";
import { flateInFlatePdf } from "@/lib/uploads/testing";
import { DEMO_RECEIPT_NUMBERS as demo } from "@/db/seed/demo-receipts";
import { seedDemo } from "@/db/seed/demo";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { env } from "@/lib/env";
import { receiptToken } from "@/lib/receipt-link";
import type { TicketFormState } from "@/lib/action-state";
import { openTicketAction, residentReplyAction } from "./ticket-actions";
import { redirectOf } from "@/app/testing";

/**
 * Issue 5, through the resident's real server action (the one the no-JS form posts to):
 * a hostile file gets a clear per-field refusal and nothing is stored — no ticket, no
 * file, no attachment, no notification; a phone JPEG with GPS EXIF is stored without it.
 *
 * Only the request plumbing (headers, cookies) is replaced: Next supplies it in a live request.
 */
const jar = vi.hoisted(() => new Map<string, string>());
vi.mock("next/headers", () => ({
  headers: () => Promise.resolve(new Headers({ "x-forwarded-for": "198.51.100.77", host: "pay.example.test" })),
  cookies: () =>
    Promise.resolve({
      get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
      set: (name: string, value: string) => void jar.set(name, value),
      delete: (name: string) => void jar.delete(name),
    }),
}));

const { handle } = setupTestDatabase();

beforeAll(async () => {
  await seedDemo(handle().db, { timeZone: "Asia/Shanghai" });
});

const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const pngChunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
};
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const GPS_MARKER = "AuditCam-GPS-marker";

const hostile: [name: string, fileName: string, type: string, bytes: () => Buffer, code: string][] = [
  ["an empty file", "proof.png", "image/png", () => Buffer.alloc(0), "empty"],
  ["SVG renamed .png", "proof.png", "image/png", () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "unsupported_type"],
  ["HTML renamed .jpg", "proof.jpg", "image/jpeg", () => Buffer.from("<!doctype html><script>fetch('/staff')</script>"), "unsupported_type"],
  ["PNG magic followed by script", "proof.png", "image/png", () => Buffer.concat([PNG_SIGNATURE, Buffer.from("<script>alert(1)</script>".repeat(20))]), "corrupt"],
  ["an executable named .pdf", "invoice.pdf", "application/pdf", () => Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00", "latin1"), Buffer.alloc(200)]), "unsupported_type"],
  [
    "a PNG declaring 40000×40000 pixels",
    "huge.png",
    "image/png",
    () => Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", Buffer.concat([u32(40_000), u32(40_000), Buffer.from([8, 2, 0, 0, 0])])), pngChunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), pngChunk("IEND", Buffer.alloc(0))]),
    "too_many_pixels",
  ],
  ["a 12 MB file", "big.jpg", "image/jpeg", () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(12 * 1024 * 1024)]), "too_large"],
];

function form(receiptNo: string, category: string, proof?: File): FormData {
  const data = new FormData();
  data.set("receipt", receiptNo);
  data.set("t", receiptToken(env().RECEIPT_LINK_SECRET, receiptNo));
  data.set("category", category);
  data.set("description", "我已付款，见附件。");
  data.set("contact", "resident@example.cn");
  data.set("idempotency_key", randomBytes(12).toString("hex"));
  if (proof) data.append("proof", proof);
  return data;
}

const initial: TicketFormState = { values: { category: "", description: "", contact: "" } };

async function tableCounts() {
  const db = handle().db;
  const n = async (table: typeof tickets | typeof storedFiles | typeof ticketAttachments | typeof outbox) => (await db.select({ n: count() }).from(table))[0]!.n;
  return { tickets: await n(tickets), files: await n(storedFiles), attachments: await n(ticketAttachments), outbox: await n(outbox) };
}

/** Runs the action; its success is a redirect to the tracking page (thrown, as Next does). */
async function submit(data: FormData): Promise<{ state?: TicketFormState; redirectedTo?: string }> {
  try {
    return { state: await openTicketAction(initial, data) };
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (!digest.startsWith("NEXT_REDIRECT")) throw error;
    return { redirectedTo: digest.split(";")[2] };
  }
}

describe(`openTicketAction with proofs on ${databaseKind()}`, () => {
  it.each(hostile)("refuses %s (%s) with a field message, and stores nothing", async (_name, fileName, type, bytes, code) => {
    const before = await tableCounts();
    const { state, redirectedTo } = await submit(form(demo.unpaid.receiptNo, "not_posted", new File([new Uint8Array(bytes())], fileName, { type })));
    expect(redirectedTo).toBeUndefined();
    expect(state).toMatchObject({ code: "invalid", fieldErrors: { proof: code } });
    expect(await tableCounts()).toEqual(before);
  });

  it("stores a phone JPEG without its GPS EXIF", async () => {
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#fff", noise: { type: "gaussian", mean: 128, sigma: 30 } } })
      .jpeg()
      .withExif({
        IFD0: { Make: GPS_MARKER, Model: "Test" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "39/1 54/1 2710/100", GPSLongitudeRef: "E", GPSLongitude: "116/1 23/1 1703/100" },
      })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    expect(photo.includes(GPS_MARKER)).toBe(true);

    const { redirectedTo } = await submit(form(demo.unpaid.receiptNo, "wrong_amount", new File([new Uint8Array(photo)], "IMG_0001.jpg", { type: "image/jpeg" })));
    expect(redirectedTo).toMatch(/^\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const ref = redirectedTo!.slice(3);
    const secret = jar.get("ps_track");
    const ticket = await ticketForHolder(ref, secret);
    expect(ticket?.queue).toBe("data_entry");
    const attachment = await attachmentForHolder(ref, secret, ticket!.events[0]!.attachments[0]!.id);
    const stored = attachment!.bytes;
    expect(stored.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(stored.includes(GPS_MARKER)).toBe(false);
    const metadata = await sharp(stored).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.width).toBe(64);
    const [row] = await handle().db.select({ n: count() }).from(tickets).where(eq(tickets.ref, ref));
    expect(row?.n).toBe(1);
  });

  it("a reply's uploads are not read, nor counted, until the tracking secret opens a ticket waiting on the resident", async () => {
    const { redirectedTo } = await submit(form(demo.overdue.receiptNo, "other"));
    const ref = redirectedTo!.slice(3);
    const owner = jar.get("ps_track");
    const reply = () => {
      const data = new FormData();
      data.set("ref", ref);
      data.set("message", "补充凭证");
      data.append("proof", new File([new Uint8Array(flateInFlatePdf(64 * 1024 * 1024))], "bomb.pdf", { type: "application/pdf" }));
      return data;
    };
    const budget = () => handle().db.select().from(rateLimits).where(like(rateLimits.key, "upload:client:%"));
    const before = await budget();
    const events = async () => (await handle().db.select({ n: count() }).from(ticketEvents).where(eq(ticketEvents.ticketId, (await ticketForHolder(ref, owner))!.id)))[0]!.n;
    const eventsBefore = await events();

    // No secret, or a ticket not waiting on the resident: back to the page, nothing read, nothing counted.
    for (const secret of [undefined, "guessed-secret", owner]) {
      if (secret) jar.set("ps_track", secret);
      else jar.delete("ps_track");
      expect(await redirectOf(residentReplyAction(reply()))).toBe(`/t/${ref}`);
    }
    expect(await budget()).toEqual(before);

    // Waiting on the resident: now the file is counted, read, and refused with a clear code.
    await handle().db.update(tickets).set({ status: "waiting_on_payer" }).where(eq(tickets.ref, ref));
    expect(await redirectOf(residentReplyAction(reply()))).toBe(`/t/${ref}?error=too_complex`);
    const hits = (rows: { hits: number }[]) => rows.reduce((n, r) => n + r.hits, 0);
    expect(hits(await budget())).toBe(hits(before) + 1);
    expect(await events()).toBe(eventsBefore);
  });
});

