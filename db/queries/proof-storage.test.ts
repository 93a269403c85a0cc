import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../client";
import { storedFiles, ticketAttachments, tickets } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { databaseProofStorage, filesystemProofStorage, findReceiptSharingProof, isStorageKey, newStorageKey, proofStorage } from "./proof-storage";

setupTestDatabase();

const unique = () => randomBytes(6).toString("hex");
const bytesOf = (n: number) => randomBytes(n);

/** A minimal ticket row (columns without defaults only) and one attachment with the given original hash. */
async function ticketWithProof(receiptNo: string | null, originalSha256: string, storageKey = newStorageKey("jpg")): Promise<number> {
  const [ticket] = await db()
    .insert(tickets)
    .values({
      ref: `T-${unique()}`,
      receiptNo,
      category: "not_posted",
      status: "open",
      queue: "data_entry",
      paymentStatus: "not_found",
      description: "test",
      payerContact: "test@example.invalid",
      trackingTokenHash: unique(),
    })
    .returning({ id: tickets.id });
  await db().insert(ticketAttachments).values({
    ticketId: ticket!.id,
    storageKey,
    contentType: "image/jpeg",
    sizeBytes: 3,
    sha256: unique(),
    originalSha256,
  });
  return ticket!.id;
}

class Rollback extends Error {}

describe(`proof storage on ${databaseKind()}`, () => {
  const store = databaseProofStorage();

  it("is the database store unless UPLOAD_STORAGE says otherwise", () => {
    expect(proofStorage().kind).toBe("database");
  });

  it("makes keys of 128 random bits plus the extension, never from the input", () => {
    const keys = Array.from({ length: 1000 }, () => newStorageKey("pdf"));
    expect(new Set(keys).size).toBe(1000);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}\.pdf$/);
    expect(isStorageKey(newStorageKey("jpg"))).toBe(true);
    for (const bad of ["../etc/passwd", "x.jpg/..", "", "photo.JPG", "a".repeat(10)]) expect(() => newStorageKey(bad)).toThrow("invalid_storage_extension");
  });

  it("stores nothing when the ticket's transaction rolls back", async () => {
    const key = newStorageKey("png");
    await expect(
      db().transaction(async (tx) => {
        await store.put(key, bytesOf(64), tx);
        expect(await store.get(key, tx)).not.toBeNull(); // visible inside the transaction
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await store.get(key)).toBeNull();
    expect(await db().select().from(storedFiles).where(eq(storedFiles.key, key))).toHaveLength(0);
  });

  it("returns the committed bytes unchanged (every byte value, 1 MB)", async () => {
    const key = newStorageKey("pdf");
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), bytesOf(1024 * 1024)]);
    await db().transaction(async (tx) => {
      await store.put(key, bytes, tx);
    });
    const read = await store.get(key);
    expect(Buffer.isBuffer(read)).toBe(true);
    expect(read!.equals(bytes)).toBe(true);
  });

  it("refuses keys it did not make", async () => {
    await expect(store.put("../../evil.sh", bytesOf(4))).rejects.toThrow("invalid_storage_key");
    expect(await store.get("../../evil.sh")).toBeNull();
    expect(await store.get(newStorageKey("jpg"))).toBeNull();
  });

  it("finds another receipt that already has the same proof", async () => {
    const hash = unique();
    expect(await findReceiptSharingProof(hash, "2026110000000011")).toBeNull();
    await ticketWithProof("2026110000000011", hash);
    // Same receipt (a second ticket, or the same one) is not a conflict.
    expect(await findReceiptSharingProof(hash, "2026110000000011")).toBeNull();
    // A different receipt, or a ticket without a receipt number, is told the first receipt.
    expect(await findReceiptSharingProof(hash, "2026110000000029")).toBe("2026110000000011");
    expect(await findReceiptSharingProof(hash, null)).toBe("2026110000000011");
    await ticketWithProof("2026110000000037", hash);
    expect(await findReceiptSharingProof(hash, "2026110000000011")).toBe("2026110000000037");
    expect(await findReceiptSharingProof(hash, "2026110000000029")).toBe("2026110000000011");
    // Tickets without a receipt number never count as "another receipt".
    const orphanHash = unique();
    await ticketWithProof(null, orphanHash);
    expect(await findReceiptSharingProof(orphanHash, "2026110000000011")).toBeNull();
  });

  it("sees uncommitted attachments through the caller's transaction", async () => {
    const hash = unique();
    await db().transaction(async (tx) => {
      const [ticket] = await tx
        .insert(tickets)
        .values({ ref: `T-${unique()}`, receiptNo: "2026110000000045", category: "other", status: "open", queue: "finance", paymentStatus: "overdue", description: "x", payerContact: "x@example.invalid", trackingTokenHash: unique() })
        .returning({ id: tickets.id });
      await tx.insert(ticketAttachments).values({ ticketId: ticket!.id, storageKey: newStorageKey("pdf"), contentType: "application/pdf", sizeBytes: 1, sha256: hash, originalSha256: hash });
      expect(await findReceiptSharingProof(hash, "2026110000000052", tx)).toBe("2026110000000045");
    });
  });
});

describe("filesystem proof storage", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "paystatus-uploads-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips bytes under a sharded server-made name, leaving no temp file", async () => {
    const store = filesystemProofStorage(dir);
    const key = newStorageKey("jpg");
    const bytes = bytesOf(100_000);
    await store.put(key, bytes);
    expect((await store.get(key))!.equals(bytes)).toBe(true);
    expect(await readdir(path.join(dir, key.slice(0, 2)))).toEqual([key]);
    expect(await store.get(newStorageKey("jpg"))).toBeNull();
    expect(await store.get("../../../etc/passwd")).toBeNull();
    await expect(store.put("../escape.jpg", bytes)).rejects.toThrow("invalid_storage_key");
  });

  it("sweeps stale temp files and unreferenced files, keeps fresh and referenced ones", async () => {
    const store = filesystemProofStorage(path.join(dir, "sweep"));
    const now = new Date();
    const twoHoursAgo = new Date(now.getTime() - 2 * 3_600_000);
    const referenced = newStorageKey("png");
    const unreferenced = newStorageKey("png");
    const fresh = newStorageKey("png");
    for (const key of [referenced, unreferenced, fresh]) await store.put(key, bytesOf(10));
    await ticketWithProof("2026110000000060", unique(), referenced);
    const staleTemp = path.join(dir, "sweep", referenced.slice(0, 2), `${newStorageKey("png")}.tmp-${randomBytes(8).toString("hex")}`);
    await writeFile(staleTemp, bytesOf(10));
    for (const file of [staleTemp, path.join(dir, "sweep", referenced.slice(0, 2), referenced), path.join(dir, "sweep", unreferenced.slice(0, 2), unreferenced)]) {
      await utimes(file, twoHoursAgo, twoHoursAgo);
    }

    expect(await store.sweepOrphans(3_600_000, now)).toBe(2);
    expect(await store.get(referenced)).not.toBeNull();
    expect(await store.get(fresh)).not.toBeNull();
    expect(await store.get(unreferenced)).toBeNull();
    expect(await filesystemProofStorage(path.join(dir, "missing")).sweepOrphans(3_600_000)).toBe(0);
  });
});
