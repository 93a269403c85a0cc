import type { ImportSummary } from "@/db/import/runs";
import { fill, type Messages } from "@/lib/i18n";

const SHOW_REJECTED = 50;

/** The engine's summary as the CLI prints it: counts, matching by method, exceptions, rejected lines with their reasons. */
export function ImportSummaryView({ summary, t }: { summary: ImportSummary; t: Messages }) {
  const m = t.backOffice.imports;
  if (summary.kind === "settlements" && summary.alreadyImported) {
    return (
      <p data-already-imported className="text-lg">
        {m.alreadyImported}
      </p>
    );
  }
  const counts: [string, string, number][] =
    summary.kind === "receipts"
      ? [
          ["read", m.read, summary.read],
          ["inserted", m.inserted, summary.inserted],
          ["updated", m.updated, summary.updated],
          ["duplicates", m.duplicates, summary.duplicates],
          ["stale", m.stale, summary.stale],
          ["rejected", m.rejected, summary.rejectedCount],
        ]
      : [
          ["read", m.read, summary.read],
          ["inserted", m.inserted, summary.inserted],
          ["duplicates", m.duplicates, summary.duplicates],
          ["skipped", m.skipped, summary.skipped],
          ["rejected", m.rejected, summary.rejectedCount],
          ["exceptions", m.exceptions, summary.exceptions],
        ];
  const matching = summary.matching;
  if (matching) {
    counts.push(
      ["matched-reference", m.matchedReference, matching.reference],
      ["matched-remittance", m.matchedRemittance, matching.remittance],
      ["matched-amount-date", m.matchedAmountDate, matching.amountDate],
      ["posted", m.posted, matching.posted],
      ["store-exceptions", m.storeExceptions, matching.exceptions],
    );
  }
  return (
    <>
      <dl className="mb-6 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-lg" data-import-summary>
        {counts.map(([key, label, value]) => (
          <div key={key} className="contents">
            <dt className="font-semibold">{label}</dt>
            <dd data-count={key}>{value}</dd>
          </div>
        ))}
      </dl>
      {summary.rejected.length > 0 && (
        <ul className="list-disc pl-6" data-rejected>
          {summary.rejected.slice(0, SHOW_REJECTED).map((r) => (
            <li key={r.line}>{fill(m.rejectedLine, { line: r.line, reason: r.reason })}</li>
          ))}
        </ul>
      )}
    </>
  );
}
