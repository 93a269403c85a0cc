import { Select } from "@/components/console/corrections/fields";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { SettlementAmounts } from "@/components/console/settlement-amounts";
import { StaffForm } from "@/components/console/staff-form";
import { unlinkedConfirmations } from "@/db/queries/channel-confirmations";
import { billLinesWithoutConfirmation, confirmationsMissingFromBill } from "@/db/queries/channel-bills";
import { listExceptions } from "@/db/queries/exceptions";
import { channelChoices } from "@/db/queries/incidents-admin";
import { requestLocale } from "@/app/locale";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n";
import { formatDate, formatDateTime } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import { DoneNotice, redirectedError, RedirectedError, type SearchParams } from "../console-page";
import { consoleStaff } from "../guard";
import { matchExceptionAction } from "./actions";
import { exceptionQuery, exceptionSearch } from "./filters";

export default async function ExceptionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [staff, { t, locale }, raw] = await Promise.all([consoleStaff("/staff/exceptions"), requestLocale(), searchParams]);
  const b = t.backOffice;
  const e = b.exceptions;
  const q = exceptionQuery(raw);
  const tz = env().TZ;
  const [page, channels, unlinked, missingFromBill, unconfirmedLines] = await Promise.all([
    listExceptions(staff, { channel: q.channel, from: q.from, to: q.to, amountFen: q.amountFen }, { cursor: q.cursor, timeZone: tz }),
    channelChoices(),
    unlinkedConfirmations(staff, { limit: 25 }),
    confirmationsMissingFromBill(staff, { limit: 25 }),
    billLinesWithoutConfirmation(staff, { limit: 25 }),
  ]);
  const bills = t.channels.bills;
  const notifyChannel = (code: string) => t.channels.names[code as keyof typeof t.channels.names] ?? code;
  const c = t.channels.console;
  const error = redirectedError(raw, t);
  const channelName = (code: string | null) => {
    const ch = channels.find((c) => c.code === code);
    return ch ? (locale === "en" ? ch.nameEn : ch.nameZh) : (code ?? "—");
  };
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{e.title}</h1>
      <p className="mb-6 text-lg">{e.intro}</p>
      <RedirectedError code={error} t={t} />
      {raw.done === "matched" && !error && <DoneNotice code="matched" message={e.matched} />}
      <form method="get" action="/staff/exceptions" aria-label={e.filters} className="mb-8 grid gap-x-6 sm:grid-cols-2 lg:grid-cols-4">
        <Select name="channel" label={e.channel} defaultValue={q.channel ?? ""} options={[{ value: "", label: b.allChannels }, ...channels.map((c) => ({ value: c.code, label: locale === "en" ? c.nameEn : c.nameZh }))]} />
        <Field name="from" type="date" label={e.from} defaultValue={q.from} />
        <Field name="to" type="date" label={e.to} defaultValue={q.to} />
        <Field name="amount" label={e.amount} inputMode="decimal" defaultValue={q.amount} />
        <div className="flex flex-wrap items-center gap-4 sm:col-span-2 lg:col-span-4">
          <Button type="submit">{e.apply}</Button>
          <a href="/staff/exceptions" className="font-semibold text-brand underline">
            {e.clear}
          </a>
        </div>
      </form>
      <p className="mb-3" data-count={page.rows.length}>
        {fill(e.count, { n: page.rows.length })}
      </p>
      {page.rows.length === 0 ? (
        <p data-empty>{b.none}</p>
      ) : (
        <ul className="space-y-6">
          {page.rows.map((line) => (
            <li key={line.id} data-exception={line.id} className="rounded-md border-2 border-gray-300 p-4">
              <h2 className="mb-2 text-xl font-bold">
                {e.line} {line.id} · {formatFen(line.amountFen)} · {formatDate(line.valueDate, locale)}
              </h2>
              <dl className="mb-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
                <dt className="font-semibold">{e.channel}</dt>
                <dd>{channelName(line.channel)}</dd>
                <dt className="font-semibold">{e.bankRef}</dt>
                <dd data-bank-ref>{line.bankRef ?? "—"}</dd>
                <dt className="font-semibold">{e.account}</dt>
                <dd>{line.payerAccount ?? "—"}</dd>
                <dt className="font-semibold">{e.remittance}</dt>
                <dd>{line.remittance ?? "—"}</dd>
                <dt className="font-semibold">{e.file}</dt>
                <dd>{line.fileName}</dd>
              </dl>
              <h3 className="mb-2 text-lg font-semibold">{e.candidates}</h3>
              {line.candidates.length === 0 ? (
                <p>{e.noCandidates}</p>
              ) : (
                <ul className="space-y-3">
                  {line.candidates.map((r) => (
                    <li key={r.id} data-candidate={r.receiptNo} className="flex flex-wrap items-center gap-4">
                      <span>
                        <span className="font-mono">{r.receiptNo}</span> · {formatFen(r.amountPaidFen ?? r.amountDueFen)} · {channelName(r.channel)}
                        {r.paidAt && ` · ${formatDateTime(r.paidAt, locale, tz)}`} · {e.reasons[r.reason]}
                        {r.expected && (
                          <span className="block" data-fee-difference>
                            <SettlementAmounts amounts={r.expected} creditFen={line.amountFen} t={t} />
                          </span>
                        )}
                      </span>
                      <StaffForm action={matchExceptionAction} texts={{ done: e.matched, errors: t.appErrors }}>
                        <input type="hidden" name="lineId" value={line.id} />
                        <input type="hidden" name="receiptId" value={r.id} />
                        {q.channel && <input type="hidden" name="channel" value={q.channel} />}
                        {q.from && <input type="hidden" name="from" value={q.from} />}
                        {q.to && <input type="hidden" name="to" value={q.to} />}
                        {q.amount && <input type="hidden" name="amount" value={q.amount} />}
                        <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 px-4 py-2 font-semibold">
                          {fill(e.match, { receipt: r.receiptNo })}
                        </button>
                      </StaffForm>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {page.next !== null && (
        <p className="mt-6">
          <a href={`/staff/exceptions${exceptionSearch(q, { cursor: String(page.next) })}`} className="font-semibold text-brand underline">
            {b.nextPage}
          </a>
        </p>
      )}

      <section data-queue="data_entry" className="mt-10">
        <h2 id="channel-exceptions-title" className="mb-2 text-2xl font-bold">
          {c.exceptionsTitle}
        </h2>
        <p className="mb-4 text-lg">{c.exceptionsIntro}</p>
        {unlinked.rows.length === 0 ? (
          <p data-empty-channel>{c.exceptionsNone}</p>
        ) : (
          <ul className="space-y-4">
            {unlinked.rows.map((k) => (
              <li key={k.id} data-channel-exception={k.channel} className="rounded-md border-2 border-gray-300 p-4">
                <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
                  <dt className="font-semibold">{t.channels.confirmed.channel}</dt>
                  <dd>{t.channels.names[k.channel as keyof typeof t.channels.names] ?? k.channel}</dd>
                  <dt className="font-semibold">{c.order}</dt>
                  <dd className="font-mono">{k.outTradeNo}</dd>
                  <dt className="font-semibold">{c.receiptNo}</dt>
                  <dd className="font-mono">{k.receiptNo ?? "—"}</dd>
                  <dt className="font-semibold">{c.transaction}</dt>
                  <dd className="font-mono">{k.transactionId}</dd>
                  <dt className="font-semibold">{c.amount}</dt>
                  <dd>{formatFen(k.amountFen)}</dd>
                  <dt className="font-semibold">{c.paidAt}</dt>
                  <dd>{formatDateTime(k.paidAt, locale, tz)}</dd>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="bill-missing-title" className="mt-10">
        <h2 id="bill-missing-title" className="mb-2 text-2xl font-bold">
          {bills.missingTitle}
        </h2>
        <p className="mb-4 text-lg">{bills.missingIntro}</p>
        {missingFromBill.rows.length === 0 ? (
          <p data-empty-bill-missing>{bills.missingNone}</p>
        ) : (
          <ul className="space-y-4">
            {missingFromBill.rows.map((k) => (
              <li key={k.id} data-bill-missing={k.transactionId} className="rounded-md border-2 border-gray-300 p-4">
                <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
                  <dt className="font-semibold">{t.channels.confirmed.channel}</dt>
                  <dd>{notifyChannel(k.channel)}</dd>
                  <dt className="font-semibold">{c.transaction}</dt>
                  <dd className="font-mono">{k.transactionId}</dd>
                  <dt className="font-semibold">{c.order}</dt>
                  <dd className="font-mono">{k.outTradeNo}</dd>
                  <dt className="font-semibold">{c.receiptNo}</dt>
                  <dd className="font-mono">{k.receiptNo ?? "—"}</dd>
                  <dt className="font-semibold">{c.amount}</dt>
                  <dd>{formatFen(k.amountFen)}</dd>
                  <dt className="font-semibold">{c.paidAt}</dt>
                  <dd>{formatDateTime(k.paidAt, locale, tz)}</dd>
                  <dt className="font-semibold">{bills.dueAt}</dt>
                  <dd>{formatDateTime(k.dueAt, locale, tz)}</dd>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="bill-unconfirmed-title" className="mt-10">
        <h2 id="bill-unconfirmed-title" className="mb-2 text-2xl font-bold">
          {bills.unconfirmedTitle}
        </h2>
        <p className="mb-4 text-lg">{bills.unconfirmedIntro}</p>
        {unconfirmedLines.rows.length === 0 ? (
          <p data-empty-bill-unconfirmed>{bills.unconfirmedNone}</p>
        ) : (
          <ul className="space-y-4">
            {unconfirmedLines.rows.map((l) => (
              <li key={l.id} data-bill-unconfirmed={l.transactionId} className="rounded-md border-2 border-gray-300 p-4">
                <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
                  <dt className="font-semibold">{t.channels.confirmed.channel}</dt>
                  <dd>{notifyChannel(l.channel)}</dd>
                  <dt className="font-semibold">{c.transaction}</dt>
                  <dd className="font-mono">{l.transactionId}</dd>
                  <dt className="font-semibold">{c.amount}</dt>
                  <dd>{formatFen(l.amountFen)}</dd>
                  <dt className="font-semibold">{bills.valueDate}</dt>
                  <dd>{formatDate(l.valueDate, locale)}</dd>
                  <dt className="font-semibold">{bills.remittance}</dt>
                  <dd>{l.remittance ?? "—"}</dd>
                  <dt className="font-semibold">{bills.file}</dt>
                  <dd>{l.fileName}</dd>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
