import "server-only";
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { StatementFileError } from "@/lib/statements";
import type { Tx } from "../client";
import { stageByCopy } from "./copy-lane";
import { inPieces, LineTally, tapBytes, timed } from "./source";
import { ANALYZE_AFTER, stageRows, type StageInput, type StageValue, type StagingTable } from "./staging";

/** Below this size the COPY lane's own statements (temporary tables, a savepoint) cost more than the parser does. */
export const COPY_LANE_FROM_BYTES = 64 * 1024;

/**
 * The part of every import before its merge: streams the file into a fresh
 * staging table (through the COPY lane when it takes the file, otherwise
 * through the parser), refreshes the table's statistics when
 * it is large, and refuses the file when the bytes loaded are not the bytes
 * hashed or when no line of it was readable.
 */
export async function stageFile<T>(tx: Tx, table: StagingTable, input: StageInput<T>): Promise<LineTally> {
  const { hooks } = input;
  await tx.execute(table.create);
  await tx.execute(sql`truncate ${sql.identifier(table.name)}`);

  let tally = new LineTally();
  let hash = createHash("sha256");
  const copied = input.copyLane && input.fileBytes >= COPY_LANE_FROM_BYTES && (await stageByCopy(tx, table, input, input.copyLane, tapBytes(input.file.open(), hash, hooks.onProgress), tally));
  if (!copied) {
    tally = new LineTally();
    hash = createHash("sha256");
    await timed(hooks.onPhase, "parse + copy to staging", () => stageRows(tx, table, parsedRows(input, tapBytes(input.file.open(), hash, hooks.onProgress), tally)));
  }
  if (tally.records > ANALYZE_AFTER) await timed(hooks.onPhase, "analyze staging", () => tx.execute(table.analyze));

  if (hash.digest("hex") !== input.fileHash) throw new StatementFileError("the file changed while it was being imported; try again");
  if (tally.records === 0 && tally.rejectedCount > 0) {
    const [first] = tally.rejected;
    throw new StatementFileError(`no line of the file could be read (line ${first!.line}: ${first!.reason})`);
  }
  return tally;
}

/** The file read by its parser, as staging rows; counts every line in the tally. */
async function* parsedRows<T>(input: StageInput<T>, bytes: AsyncIterable<Uint8Array>, tally: LineTally): AsyncGenerator<StageValue[][]> {
  // Pieces of 32 KB: besides the memory (inPieces), camt.053 read 1,000,000 entries in 7.4–9.2 s from them against 11–14 s from 256 KB reads.
  for await (const batch of input.parse(inPieces(bytes))) {
    const staged: StageValue[][] = [];
    for (const event of batch) if (tally.count(event)) staged.push(input.toRow(event.record, event.line));
    yield staged;
    input.hooks.onStaged?.(tally.records);
  }
}

