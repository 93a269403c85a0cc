import "server-only";
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { and, asc, eq, inArray, isNotNull, ne } from "drizzle-orm";
import { env } from "@/lib/env";
import { db, type Db, type Tx } from "../client";
import { storedFiles, ticketAttachments, tickets } from "../schema";

/**
 * Where verified proof-of-payment files live (SPEC §4: outside the web root,
 * under server-made names, visible to every instance). Nothing here checks
 * who may read a file: the caller looks the key up through the ticket the
 * reader is entitled to, and serves it as an attachment with nosniff.
 */
export interface ProofStorage {
  readonly kind: "database" | "filesystem";
  /** Stores the bytes under a key from newStorageKey. The database store writes inside `tx`, so the file commits with the ticket or not at all. */
  put(key: string, bytes: Buffer, tx?: Db | Tx): Promise<void>;
  /** The stored bytes, or null when there is no such file (or the key is not one this module makes). */
  get(key: string, tx?: Db | Tx): Promise<Buffer | null>;
  /** Erases a file for good (retention); the database store deletes inside `tx`. Missing files are fine. */
  remove(key: string, tx?: Db | Tx): Promise<void>;
}

const STORAGE_KEY = /^[0-9a-f]{32}\.[a-z0-9]{1,5}$/;
const EXTENSION = /^[a-z0-9]{1,5}$/;

/** A fresh storage key: 128 random bits in hex plus the extension of the verified type; never derived from the upload's name. */
export function newStorageKey(extension: string): string {
  if (!EXTENSION.test(extension)) throw new Error("invalid_storage_extension");
  return `${randomBytes(16).toString("hex")}.${extension}`;
}

export const isStorageKey = (key: string) => STORAGE_KEY.test(key);

function assertStorageKey(key: string): void {
  if (!isStorageKey(key)) throw new Error("invalid_storage_key");
}

/** The store named by UPLOAD_STORAGE (default: database). */
export function proofStorage(): ProofStorage {
  const config = env();
  return config.UPLOAD_STORAGE === "filesystem" ? filesystemProofStorage(config.UPLOAD_DIR) : databaseProofStorage();
}

/** Files in the stored_files table: transactional with the ticket, shared by every instance, backed up with the data. */
export function databaseProofStorage(): ProofStorage {
  return {
    kind: "database",
    async put(key, bytes, tx = db()) {
      assertStorageKey(key);
      await tx.insert(storedFiles).values({ key, content: bytes });
    },
    async get(key, tx = db()) {
      if (!isStorageKey(key)) return null;
      const [row] = await tx.select({ content: storedFiles.content }).from(storedFiles).where(eq(storedFiles.key, key)).limit(1);
      return row ? Buffer.from(row.content) : null;
    },
    async remove(key, tx = db()) {
      if (!isStorageKey(key)) return;
      await tx.delete(storedFiles).where(eq(storedFiles.key, key));
    },
  };
}

export type FilesystemProofStorage = ProofStorage & {
  /**
   * Removes what a put left behind without a ticket: temp files of writes
   * that never finished, and finished files no ticket_attachments row names
   * (the ticket's transaction rolled back after the put), both only when
   * older than `olderThanMs` so that a transaction still in flight is never
   * robbed. Returns how many files were removed. Run it hourly with 3_600_000.
   */
  sweepOrphans(olderThanMs: number, now?: Date): Promise<number>;
};

/**
 * Files under `dir` (UPLOAD_DIR), which must be outside the web root
 * (.data/uploads is: Next serves only public/). With several instances the
 * directory must be shared storage (NFS, a mounted volume) or a file written
 * by one instance is missing on the others. A put writes a temp name and
 * renames it, so a reader never sees half a file; the rename cannot join the
 * caller's transaction, so a put followed by a rollback leaves a file that
 * sweepOrphans removes after an hour. Keys shard into 256 subdirectories.
 */
export function filesystemProofStorage(dir: string): FilesystemProofStorage {
  const root = path.resolve(dir);
  const finalPath = (key: string) => path.join(root, key.slice(0, 2), key);
  return {
    kind: "filesystem",
    async put(key, bytes) {
      assertStorageKey(key);
      const target = finalPath(key);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const temp = `${target}.tmp-${randomBytes(8).toString("hex")}`;
      try {
        const handle = await open(temp, "wx", 0o600);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async get(key) {
      if (!isStorageKey(key)) return null;
      try {
        return await readFile(finalPath(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async remove(key) {
      if (!isStorageKey(key)) return;
      await rm(finalPath(key), { force: true });
    },
    async sweepOrphans(olderThanMs, now = new Date()) {
      const cutoff = now.getTime() - olderThanMs;
      let shards: string[];
      try {
        shards = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && /^[0-9a-f]{2}$/.test(e.name)).map((e) => e.name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
        throw error;
      }
      let removed = 0;
      for (const shard of shards) {
        const old: { name: string; file: string }[] = [];
        for (const name of await readdir(path.join(root, shard))) {
          const file = path.join(root, shard, name);
          const info = await stat(file).catch(() => null);
          if (info?.isFile() && info.mtimeMs < cutoff) old.push({ name, file });
        }
        const temps = old.filter((f) => /\.tmp-[0-9a-f]{16}$/.test(f.name));
        const finished = old.filter((f) => isStorageKey(f.name));
        const referenced = new Set<string>();
        for (let i = 0; i < finished.length; i += 500) {
          const keys = finished.slice(i, i + 500).map((f) => f.name);
          const rows = await db().select({ key: ticketAttachments.storageKey }).from(ticketAttachments).where(inArray(ticketAttachments.storageKey, keys));
          for (const row of rows) referenced.add(row.key);
        }
        for (const f of [...temps, ...finished.filter((f) => !referenced.has(f.name))]) {
          await rm(f.file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

/**
 * Another receipt whose ticket already carries the same upload (by the
 * SHA-256 of the original bytes): one bank slip offered as proof for two
 * payments is flagged for staff (ticket_attachments.also_on_receipt_no).
 * The first such receipt by attachment order; null when there is none.
 */
export async function findReceiptSharingProof(originalSha256: string, receiptNo: string | null, tx: Db | Tx = db()): Promise<string | null> {
  const [row] = await tx
    .select({ receiptNo: tickets.receiptNo })
    .from(ticketAttachments)
    .innerJoin(tickets, eq(tickets.id, ticketAttachments.ticketId))
    .where(
      and(
        eq(ticketAttachments.originalSha256, originalSha256),
        isNotNull(tickets.receiptNo),
        receiptNo === null ? undefined : ne(tickets.receiptNo, receiptNo),
      ),
    )
    .orderBy(asc(ticketAttachments.id))
    .limit(1);
  return row?.receiptNo ?? null;
}
