import { AdminFields } from "@/components/console/admin/admin-fields";
import { StaffForm, type StaffFormTexts } from "@/components/console/staff-form";
import { calendarSettings, feeScheduleSettings, listChannels } from "@/db/queries/admin-settings";
import { fill } from "@/lib/i18n";
import { formatDate } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import { requestLocale } from "@/app/locale";
import { PageRefusal, readOrRefusal } from "../../console-page";
import { consoleStaff } from "../../guard";
import { publishCalendarYearAction, removeCalendarOverrideAction, setCalendarOverrideAction, setFeeAction, updateChannelAction } from "../actions";
import { DataTable } from "@/components/ui/data-table";

const yuan = (fen: number) => formatFen(fen).replace(/^¥/, "").replaceAll(",", "");

export default async function SettingsPage() {
  const [staff, { t, locale }] = await Promise.all([consoleStaff("/staff/admin/settings"), requestLocale()]);
  const s = t.oversight.settings;
  const read = await readOrRefusal(Promise.all([listChannels(staff), calendarSettings(staff), feeScheduleSettings(staff)]));
  if (!read.ok) return <PageRefusal title={s.title} code={read.code} message={t.oversight.forbidden} />;
  const [channels, calendar, fees] = read.value;
  const texts = (fieldErrors: Record<string, string>): StaffFormTexts => ({ done: s.saved, errorTitle: s.errorTitle, errors: s.errors, invalidSummary: s.errors.invalid, fieldErrors });
  const c = s.channels;
  const cal = s.calendar;
  const f = s.fees;
  const name = (row: { nameZh: string; nameEn: string }) => (locale === "en" ? row.nameEn : row.nameZh);

  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{s.title}</h1>
      <p className="mb-8 text-lg">{s.intro}</p>

      <section aria-labelledby="channels-title" className="mb-12">
        <h2 id="channels-title" className="mb-4 text-2xl font-bold">
          {c.title}
        </h2>
        <div className="grid gap-6 lg:grid-cols-2">
          {channels.map((ch) => (
            <section key={ch.code} aria-labelledby={`channel-${ch.code}-title`} data-channel={ch.code} className="rounded-md border-2 border-gray-300 p-4">
              <h3 id={`channel-${ch.code}-title`} className="mb-3 text-xl font-bold">
                {name(ch)} <span className="font-normal text-gray-700">({ch.code})</span>
              </h3>
              <StaffForm action={updateChannelAction} idPrefix={`channel-${ch.code}`} texts={texts(c.fieldErrors)} noValidate>
                <AdminFields
                  hidden={{ code: ch.code }}
                  submit={c.save}
                  fields={[
                    { kind: "text", name: "lagDays", label: c.lag, hint: c.lagHint, defaultValue: String(ch.lagDays), inputMode: "numeric", width: "max-w-32" },
                    { kind: "text", name: "cutoff", label: c.cutoff, hint: c.cutoffHint, defaultValue: ch.cutoff, width: "max-w-32" },
                    { kind: "text", name: "lockWindowMinutes", label: c.lock, hint: c.lockHint, defaultValue: ch.lockWindowMinutes === null ? "" : String(ch.lockWindowMinutes), inputMode: "numeric", width: "max-w-32" },
                  ]}
                />
              </StaffForm>
            </section>
          ))}
        </div>
      </section>

      <section aria-labelledby="calendar-title" className="mb-12">
        <h2 id="calendar-title" className="mb-2 text-2xl font-bold">
          {cal.title}
        </h2>
        <p className="mb-4">{fill(cal.intro, { first: calendar.libraryYears.first, last: calendar.libraryYears.last })}</p>
        <div className="grid gap-8 lg:grid-cols-2">
          <StaffForm action={setCalendarOverrideAction} idPrefix="calendar" texts={texts(cal.fieldErrors)} className="rounded-md border-2 border-gray-300 p-4" noValidate>
            <AdminFields
              submit={cal.set}
              fields={[
                { kind: "text", name: "day", label: cal.day, hint: cal.dayHint, width: "max-w-48" },
                { kind: "radio", name: "isBusinessDay", label: cal.kind, options: [{ value: "false", label: cal.dayOff }, { value: "true", label: cal.businessDay }] },
                { kind: "text", name: "note", label: cal.note, hint: cal.noteHint },
              ]}
            />
          </StaffForm>
          <div>
            <h3 className="mb-2 text-xl font-bold">{cal.overrides}</h3>
            {calendar.overrides.length === 0 ? (
              <p className="mb-6">{cal.noOverrides}</p>
            ) : (
              <ul className="mb-6" data-calendar-overrides>
                {calendar.overrides.map((o) => (
                  <li key={o.day} data-override={o.day} data-business-day={String(o.isBusinessDay)} className="flex flex-wrap items-center justify-between gap-3 border-b border-gray-300 py-2">
                    <span>
                      <strong>{formatDate(o.day, locale)}</strong> ({o.day}) — {o.isBusinessDay ? cal.businessDay : cal.dayOff}
                      {o.note && <span className="block text-gray-700">{o.note}</span>}
                    </span>
                    <StaffForm action={removeCalendarOverrideAction} idPrefix={`remove-${o.day}`} texts={texts(cal.fieldErrors)} noValidate>
                      <AdminFields hidden={{ day: o.day }} submit={`${cal.remove} ${o.day}`} fields={[]} />
                    </StaffForm>
                  </li>
                ))}
              </ul>
            )}
            <h3 className="mb-2 text-xl font-bold">{cal.published}</h3>
            <p className="mb-4" data-published-years>
              {calendar.publishedYears.length === 0 ? cal.noPublished : calendar.publishedYears.join(", ")}
            </p>
            <StaffForm action={publishCalendarYearAction} idPrefix="publish" texts={texts(cal.fieldErrors)} noValidate>
              <AdminFields submit={cal.publish} fields={[{ kind: "text", name: "year", label: cal.year, hint: fill(cal.yearHint, { last: calendar.libraryYears.last }), inputMode: "numeric", width: "max-w-32" }]} />
            </StaffForm>
          </div>
        </div>
      </section>

      <section aria-labelledby="fees-title" className="mb-12">
        <h2 id="fees-title" className="mb-2 text-2xl font-bold">
          {f.title}
        </h2>
        <p className="mb-4">{f.intro}</p>
        <div className="grid gap-6 lg:grid-cols-2">
          {fees.map((service) => (
            <section key={service.code} aria-labelledby={`fee-${service.code}-title`} data-fee-service={service.code} className="rounded-md border-2 border-gray-300 p-4">
              <h3 id={`fee-${service.code}-title`} className="mb-3 text-xl font-bold">
                {name(service)}
              </h3>
              {service.entries.length === 0 ? (
                <p className="mb-4">{f.noEntries}</p>
              ) : (
                <DataTable className="mb-4" headers={[f.amount, f.from, f.to]}>
                  {service.entries.map((e) => (
                    <tr key={e.effectiveFrom} className="border-b border-gray-300">
                      <td className="p-2 tabular-nums">{formatFen(e.amountFen)}</td>
                      <td className="p-2">{e.effectiveFrom}</td>
                      <td className="p-2">{e.effectiveTo ?? f.open}</td>
                    </tr>
                  ))}
                </DataTable>
              )}
              <StaffForm action={setFeeAction} idPrefix={`fee-${service.code}`} texts={texts(f.fieldErrors)} noValidate>
                <AdminFields
                  hidden={{ service: service.code }}
                  submit={f.save}
                  fields={[
                    { kind: "text", name: "amount", label: f.amount, hint: f.amountHint, inputMode: "decimal", defaultValue: service.entries.length > 0 ? yuan(service.entries.at(-1)!.amountFen) : "", width: "max-w-48" },
                    { kind: "text", name: "effectiveFrom", label: f.from, hint: f.fromHint, width: "max-w-48" },
                  ]}
                />
              </StaffForm>
            </section>
          ))}
        </div>
      </section>
    </>
  );
}
