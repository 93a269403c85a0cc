import { Field } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { listAuditEvents, type AuditFilters } from "@/db/queries/audit-log";
import { env } from "@/lib/env";
import { isIsoDate } from "@/lib/dates";
import { fill } from "@/lib/i18n";
import { formatDateTime } from "@/lib/i18n/format";
import { requestLocale } from "@/app/locale";
import { PageRefusal, readOrRefusal } from "../../console-page";
import { consoleStaff } from "../../guard";
import { DataTable } from "@/components/ui/data-table";

type Search = Record<string, string | string[] | undefined>;

const TEXT_FILTERS = ["actor", "action", "objectType", "objectId"] as const;
const DATE_FILTERS = ["from", "to"] as const;

/** Query parameters to filters; a malformed one is reported and ignored rather than failing the page. */
function filtersOf(search: Search): { filters: AuditFilters; before?: number; invalid: string[] } {
  const one = (key: string) => (typeof search[key] === "string" ? search[key].trim() : "");
  const filters: AuditFilters = {};
  const invalid: string[] = [];
  for (const key of TEXT_FILTERS) {
    const value = one(key);
    if (value === "") continue;
    if (value.length > 200) invalid.push(key);
    else filters[key] = value;
  }
  for (const key of DATE_FILTERS) {
    const value = one(key);
    if (value === "") continue;
    if (isIsoDate(value)) filters[key] = value;
    else invalid.push(key);
  }
  const before = one("before");
  const beforeId = /^[1-9]\d{0,15}$/.test(before) ? Number(before) : undefined;
  return { filters, before: beforeId, invalid };
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Search> }) {
  const [staff, { t, locale }, search] = await Promise.all([consoleStaff("/staff/admin/audit"), requestLocale(), searchParams]);
  const a = t.oversight.audit;
  const { filters, before, invalid } = filtersOf(search);
  const config = env();
  const read = await readOrRefusal(listAuditEvents(staff, filters, { timeZone: config.TZ, before }));
  if (!read.ok) return <PageRefusal title={a.title} code={read.code} message={t.oversight.forbidden} />;
  const page = read.value;
  const query = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === "string"));
  const labels: Record<string, string> = { actor: a.actor, action: a.action, objectType: a.objectType, objectId: a.objectId, from: a.from, to: a.to };

  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{a.title}</h1>
      <p className="mb-6 text-lg">{a.intro}</p>
      {invalid.length > 0 && (
        <Notice tone="warn">
          <span data-error="invalid">{fill(a.invalid, { fields: invalid.map((k) => labels[k]).join(", ") })}</span>
        </Notice>
      )}
      <form method="get" action="/staff/admin/audit" className="mb-8 rounded-md border-2 border-gray-300 p-4" aria-labelledby="audit-filters">
        <h2 id="audit-filters" className="mb-3 text-xl font-bold">
          {a.filters}
        </h2>
        <div className="grid gap-x-6 md:grid-cols-2 lg:grid-cols-3">
          <Field name="actor" label={a.actor} hint={a.actorHint} defaultValue={filters.actor ?? ""} />
          <Field name="action" label={a.action} hint={a.actionHint} defaultValue={filters.action ?? ""} />
          <Field name="objectType" label={a.objectType} defaultValue={filters.objectType ?? ""} />
          <Field name="objectId" label={a.objectId} defaultValue={filters.objectId ?? ""} />
          <Field name="from" label={a.from} hint={a.dateHint} defaultValue={filters.from ?? ""} />
          <Field name="to" label={a.to} hint={a.dateHint} defaultValue={filters.to ?? ""} />
        </div>
        <div className="flex flex-wrap items-center gap-6">
          <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 px-4 py-2 font-semibold">
            {a.apply}
          </button>
          <a href="/staff/admin/audit" className="font-semibold text-brand underline">
            {a.clear}
          </a>
        </div>
      </form>

      {page.rows.length === 0 ? (
        <p className="text-lg" data-audit-empty>
          {a.none}
        </p>
      ) : (
        <DataTable headers={[a.at, a.actor, a.action, a.objectType, a.outcome, a.detail]} region={a.title} data={{ "data-audit-table": true }}>
          {page.rows.map((row) => (
            <tr key={row.id} data-audit-row={row.action} data-object={`${row.objectType}:${row.objectId ?? ""}`} className="border-b border-gray-300 align-top">
              <td className="p-2 whitespace-nowrap">{formatDateTime(row.at, locale, config.TZ)}</td>
              <td className="p-2">{row.actorEmail ?? row.actor}</td>
              <td className="p-2 font-mono">{row.action}</td>
              <td className="p-2">
                {row.objectType}
                {row.objectId && <span className="block font-mono">{row.objectId}</span>}
              </td>
              <td className="p-2">{row.outcome}</td>
              <td className="p-2 font-mono text-sm">
                {Object.entries(row.detail)
                  .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
                  .join(" ")}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav className="mt-6 flex gap-6" aria-label={a.title}>
        {before !== undefined && (
          <a href={`/staff/admin/audit?${query.toString()}`} className="font-semibold text-brand underline">
            {a.first}
          </a>
        )}
        {page.nextBefore !== null && (
          <a href={`/staff/admin/audit?${new URLSearchParams([...query, ["before", String(page.nextBefore)]]).toString()}`} className="font-semibold text-brand underline" rel="next">
            {a.next}
          </a>
        )}
      </nav>
    </>
  );
}
