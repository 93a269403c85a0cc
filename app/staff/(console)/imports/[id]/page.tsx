import { ImportSummaryView } from "@/components/console/imports/import-summary";
import { Notice } from "@/components/ui/notice";
import { importRunById } from "@/db/import/runs";
import { requestLocale } from "@/app/locale";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n";
import { formatDateTime } from "@/lib/i18n/format";
import { idParam, PageRefusal } from "../../console-page";
import { consoleStaff } from "../../guard";

export default async function ImportRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: rawId } = await params;
  const id = idParam(rawId) ?? 0;
  const [staff, { t, locale }] = await Promise.all([consoleStaff(`/staff/imports/${id}`), requestLocale()]);
  const b = t.backOffice;
  const m = b.imports;
  const run = id > 0 ? await importRunById(staff, id) : null;
  if (!run) {
    return <PageRefusal title={m.title} code={staff.role === "admin" ? "not_found" : "forbidden"} message={staff.role === "admin" ? b.errors.not_found : b.forbidden} />;
  }
  const tz = env().TZ;
  return (
    <>
      <h1 className="mb-6 text-3xl font-bold">{fill(m.detailTitle, { id: run.id, file: run.fileName })}</h1>
      <dl className="mb-6 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
        <dt className="font-semibold">{m.kind}</dt>
        <dd>
          {run.kind === "receipts" ? m.kinds.receipts : m.kinds.settlements}
          {run.format && ` · ${m.formats[run.format as keyof typeof m.formats] ?? run.format}`}
          {run.profile && ` · ${run.profile}`}
        </dd>
        <dt className="font-semibold">{m.who}</dt>
        <dd>{run.staffEmail}</dd>
        <dt className="font-semibold">{m.when}</dt>
        <dd>{formatDateTime(run.startedAt, locale, tz)}</dd>
        <dt className="font-semibold">{m.size}</dt>
        <dd>{run.sizeBytes.toLocaleString(locale)} B</dd>
        <dt className="font-semibold">{m.hash}</dt>
        <dd className="font-mono break-all">{run.fileHash}</dd>
        <dt className="font-semibold">{m.state}</dt>
        <dd data-import-status={run.status}>{m.states[run.status as keyof typeof m.states] ?? run.status}</dd>
      </dl>
      <h2 className="mb-3 text-2xl font-bold">{m.summary}</h2>
      {run.status === "running" && (
        <>
          {/* Another admin's import still running: look again every few seconds (the engine's transaction reports only when done). */}
          <meta httpEquiv="refresh" content="5" />
          <p className="text-lg">{m.running}</p>
        </>
      )}
      {run.status === "failed" && (
        <Notice tone="bad">
          <span data-error="import_failed">{fill(m.failure, { reason: run.failure ?? "" })}</span>
        </Notice>
      )}
      {run.summary && <ImportSummaryView summary={run.summary} t={t} />}
      <p className="mt-6">
        <a href="/staff/imports" className="font-semibold text-brand underline">
          {m.back}
        </a>
      </p>
    </>
  );
}
