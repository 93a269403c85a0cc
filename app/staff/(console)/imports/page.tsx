import { StaffForm } from "@/components/console/staff-form";
import { Select } from "@/components/console/corrections/fields";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { listImportRuns } from "@/db/import/runs";
import { requestLocale } from "@/app/locale";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/i18n/format";
import { SETTLEMENT_FORMATS } from "@/lib/statements";
import { SETTLEMENT_PROFILES } from "@/lib/statements/profiles";
import { backOfficeFormTexts, idParam, PageRefusal, redirectedError, RedirectedError, type SearchParams } from "../console-page";
import { consoleStaff } from "../guard";
import { runImportAction } from "./actions";
import { DataTable } from "@/components/ui/data-table";

export default async function ImportsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [staff, { t, locale }, query] = await Promise.all([consoleStaff("/staff/imports"), requestLocale(), searchParams]);
  const b = t.backOffice;
  const m = b.imports;
  if (staff.role !== "admin") {
    return <PageRefusal title={m.title} code="forbidden" message={b.forbidden} />;
  }
  const cursor = idParam(query.cursor);
  const { rows, next } = await listImportRuns(staff, { cursor });
  const error = redirectedError(query, t);
  const tz = env().TZ;
  const profiles = [...new Set(SETTLEMENT_PROFILES.map((p) => p.name))];
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{m.title}</h1>
      <p className="mb-6 text-lg">{m.intro}</p>
      <RedirectedError code={error} t={t} />
      <section aria-labelledby="upload-title" className="mb-10 max-w-2xl">
        <h2 id="upload-title" className="mb-3 text-2xl font-bold">
          {m.uploadTitle}
        </h2>
        <StaffForm action={runImportAction} encType="multipart/form-data" texts={{ ...backOfficeFormTexts(t), pending: m.running }} keepValues>
          <Select name="kind" label={m.kind} defaultValue="settlements" options={(["settlements", "receipts"] as const).map((k) => ({ value: k, label: m.kinds[k] }))} />
          <Select name="format" label={m.format} defaultValue="" options={[{ value: "", label: m.recognise }, ...SETTLEMENT_FORMATS.map((f) => ({ value: f, label: m.formats[f] }))]} />
          <Select name="profile" label={m.profile} defaultValue="" options={[{ value: "", label: m.recognise }, ...profiles.map((p) => ({ value: p, label: p }))]} />
          <Field name="file" type="file" label={m.file} hint={m.fileHint} accept=".csv,.txt,.xml,.sta,.940,.mt940,.xls,.xlsx" required />
          <Button type="submit">{m.submit}</Button>
        </StaffForm>
      </section>
      <h2 className="mb-3 text-2xl font-bold">{m.history}</h2>
      {rows.length === 0 ? (
        <p data-empty>{b.none}</p>
      ) : (
        <DataTable headers={[m.when, m.who, m.kind, m.fileName, m.hash, m.state]}>
          {rows.map((run) => (
            <tr key={run.id} data-import-run={run.id} className="border-b border-gray-300">
              <td className="p-2">{formatDateTime(run.startedAt, locale, tz)}</td>
              <td className="p-2">{run.staffEmail}</td>
              <td className="p-2">{run.kind === "receipts" ? m.kinds.receipts : m.kinds.settlements}</td>
              <td className="p-2">
                <a href={`/staff/imports/${run.id}`} className="font-semibold text-brand underline">
                  {run.fileName}
                </a>
              </td>
              <td className="p-2 font-mono" title={run.fileHash}>
                {run.fileHash.slice(0, 12)}…
              </td>
              <td className="p-2" data-import-status={run.status}>
                {m.states[run.status as keyof typeof m.states] ?? run.status}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {next !== null && (
        <p className="mt-6">
          <a href={`/staff/imports?cursor=${next}`} className="font-semibold text-brand underline">
            {b.nextPage}
          </a>
        </p>
      )}
    </>
  );
}
