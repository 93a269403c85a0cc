import { listCorrections } from "@/db/queries/corrections";
import { CORRECTION_STATUSES, type CorrectionStatus } from "@/lib/corrections";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import { requestLocale } from "@/app/locale";
import { idParam, PageRefusal, type SearchParams } from "../console-page";
import { consoleStaff } from "../guard";
import { DataTable } from "@/components/ui/data-table";

export default async function CorrectionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [staff, { t, locale }, query] = await Promise.all([consoleStaff("/staff/corrections"), requestLocale(), searchParams]);
  const b = t.backOffice;
  const c = b.corrections;
  if (staff.role === "admin") {
    return <PageRefusal title={c.title} code="forbidden" message={b.forbidden} />;
  }
  const status: CorrectionStatus = CORRECTION_STATUSES.find((s) => s === query.status) ?? "pending";
  const cursor = idParam(query.cursor);
  const { rows, next } = await listCorrections(staff, { status, cursor });
  const tz = env().TZ;
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{c.title}</h1>
      <p className="mb-6 text-lg">{c.intro}</p>
      <nav aria-label={c.tabs} className="mb-6 flex flex-wrap gap-4">
        {CORRECTION_STATUSES.map((s) => (
          <a key={s} href={`/staff/corrections?status=${s}`} aria-current={s === status ? "page" : undefined} className={`min-h-11 rounded-md border-2 border-gray-800 px-4 py-2 font-semibold ${s === status ? "bg-gray-800 text-white" : ""}`}>
            {b.statuses[s]}
          </a>
        ))}
      </nav>
      {rows.length === 0 ? (
        <p data-empty>{b.none}</p>
      ) : (
        <DataTable headers={[c.id, c.kind, c.ticket, c.receipt, c.amount, c.preparedBy, c.preparedAt, ...(status !== "pending" ? [c.decidedBy] : [])]}>
          {rows.map((row) => (
            <tr key={row.id} data-correction={row.id} data-ticket={row.ticketRef} className="border-b border-gray-300 align-top">
              <td className="p-2">
                <a href={`/staff/corrections/${row.id}`} className="font-semibold text-brand underline">
                  {c.open} {row.id}
                </a>
              </td>
              <td className="p-2">{b.kinds[row.kind]}</td>
              <td className="p-2">{row.ticketRef}</td>
              <td className="p-2 font-mono">{row.receiptNo}</td>
              <td className="p-2">{formatFen(row.amountFen)}</td>
              <td className="p-2">{row.preparedByEmail}</td>
              <td className="p-2">{formatDateTime(row.preparedAt, locale, tz)}</td>
              {status !== "pending" && <td className="p-2">{row.decidedByEmail}</td>}
            </tr>
          ))}
        </DataTable>
      )}
      {next !== null && (
        <p className="mt-6">
          <a href={`/staff/corrections?status=${status}&cursor=${next}`} className="font-semibold text-brand underline">
            {b.nextPage}
          </a>
        </p>
      )}
    </>
  );
}
