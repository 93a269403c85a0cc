import { parentPort } from "node:worker_threads";
import sharp from "sharp";
import { verifyProof, type ProofVerdict } from "./verify-proof";

/**
 * Worker-thread entry of verifyProofsOffThread (./verify-off-thread.ts): a
 * batch of uploads in, one verdict per file out, batch after batch (one at a
 * time: the caller sends the next only after this one's answer).
 * libvips gets one thread so that a batch never takes more than one core.
 */
sharp.concurrency(1);
sharp.cache(false);

async function verifyAll(files: Uint8Array[]): Promise<void> {
  const verdicts: ProofVerdict[] = [];
  for (const file of files) {
    const verdict = await verifyProof(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
    verdicts.push(verdict);
    if (!verdict.ok) break;
  }
  const transfer = verdicts.flatMap((v) => (v.ok ? [v.proof.bytes.buffer as ArrayBuffer] : []));
  parentPort!.postMessage(verdicts, [...new Set(transfer)]);
}

parentPort!.on("message", (files: Uint8Array[]) => void verifyAll(files));
