import { SettlementAmounts } from "@/components/console/settlement-amounts";
import { DataTable } from "@/components/ui/data-table";
import { listBatches } from "@/db/queries/batches";
import { requestLocale } from "@/app/locale";
import { fill } from "@/lib/i18n";
import { formatDate } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import { PageRefusal } from "../console-page";
import { consoleStaff } from "../guard";

/** Supervisors see each batch (issue 16): its totals, its bank credit, its difference and its members. */
export default async function BatchesPage() {
  const [staff, { t, locale }] = await Promise.all([consoleStaff("/staff/batches"), requestLocale()]);
  const m = t.oversight.batches;
  if (staff.role !== "supervisor" && staff.role !== "admin") return <PageRefusal title={m.title} code="forbidden" message={t.oversight.forbidden} />;
  const batches = await listBatches(staff);
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{m.title}</h1>
      <p className="mb-6 text-lg">{m.intro}</p>
      {batches.length === 0 ? (
        <p data-empty>{m.none}</p>
      ) : (
        <ul className="space-y-6">
          {batches.map((b) => (
            <li key={b.id} data-batch={b.id} data-difference={b.differenceFen ?? ""} className="rounded-md border-2 border-gray-300 p-4">
              <h2 className="mb-2 text-xl font-bold">
                {m.batch} {b.id} · {formatDate(b.batchDate, locale)} · {m.sources[b.source]}
              </h2>
              <dl className="mb-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
                <dt className="font-semibold">{m.terminal}</dt>
                <dd>{b.terminalId ?? "—"}</dd>
                <dt className="font-semibold">{m.batchNo}</dt>
                <dd>{b.batchNo ?? "—"}</dd>
                <dt className="font-semibold">{m.amounts}</dt>
                <dd>
                  <SettlementAmounts amounts={b} t={t} />
                </dd>
                <dt className="font-semibold">{m.credit}</dt>
                <dd>{b.creditFen === null ? m.creditNone : `${formatFen(b.creditFen)} · ${formatDate(b.creditDate!, locale)}`}</dd>
                <dt className="font-semibold">{m.difference}</dt>
                <dd data-batch-difference>{b.differenceFen === null ? "—" : b.differenceFen < 0 ? `−${formatFen(-b.differenceFen)}` : formatFen(b.differenceFen)}</dd>
              </dl>
              {b.unlinkedDetails > 0 && <p className="mb-2">{fill(m.unlinked, { n: b.unlinkedDetails })}</p>}
              <DataTable headers={[m.receipt, m.amounts]} region={`${m.members} ${b.id}`}>
                {b.members.map((r) => (
                  <tr key={r.receiptNo} data-member={r.receiptNo} className="border-b border-gray-300">
                    <td className="p-2 font-mono">{r.receiptNo}</td>
                    <td className="p-2">
                      <SettlementAmounts amounts={{ grossFen: r.grossFen, feeFen: r.feeFen, netFen: r.grossFen - r.feeFen }} t={t} />
                    </td>
                  </tr>
                ))}
              </DataTable>
              {b.memberCount > b.members.length && <p className="mt-2">{fill(m.more, { n: b.memberCount - b.members.length })}</p>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
