import Link from "next/link";
import { StaffForm } from "@/components/console/staff-form";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Notice } from "@/components/ui/notice";
import { dryRunFeeRule, feeRulesFor, mayEditFeeRules } from "@/db/queries/fee-rules";
import type { RuleChangeExample } from "@/db/queries/match-rules";
import { requestLocale } from "@/app/locale";
import { env } from "@/lib/env";
import { FEE_FORM_FIELDS, feeRuleFormFields } from "@/lib/fee-rules";
import { FEE_APPLIES_TO, FEE_RATE_UNITS, FEE_ROUNDINGS } from "@/lib/fees";
import { formatDate } from "@/lib/i18n/format";
import type { MatchRule } from "@/lib/match-rules";
import { formatFen } from "@/lib/money";
import { backOfficeFormTexts, PageRefusal, type SearchParams } from "../../console-page";
import { consoleStaff } from "../../guard";
import { applyFeeRuleAction } from "./actions";

const input = "min-h-11 rounded-md border-2 border-gray-600 px-3 text-lg";

/**
 * Issue 16: finance adds versions of the channel fee rules. As on the match rules page, the form is a GET
 * with `dry=1` (the dry run is rolled back, so trying changes nothing); applying is a separate, audited
 * server action carrying exactly the version that was tried.
 */
export default async function FeeRulesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [staff, { t, locale }, query] = await Promise.all([consoleStaff("/staff/match-rules/fees"), requestLocale(), searchParams]);
  const f = t.feeRules;
  const m = t.matchRules;
  if (!mayEditFeeRules(staff)) return <PageRefusal title={f.title} code="forbidden" message={f.forbidden} />;
  const { channels, rules } = await feeRulesFor(staff);
  const text = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
  const trying = query.dry === "1";
  const form = Object.fromEntries(FEE_FORM_FIELDS.map((k) => [k, text(query[k])]));
  const outcome = trying ? await dryRunFeeRule(staff, form, { timeZone: env().TZ }) : null;
  const values: Record<string, string> = outcome?.ok ? feeRuleFormFields(outcome.plan.rule) : Object.fromEntries(FEE_FORM_FIELDS.map((k) => [k, form[k] ?? ""]));
  const channelName = (code: string) => t.desk.channelNames[code as keyof typeof t.desk.channelNames] ?? code;
  const yuan = (fen: number | null) => (fen === null ? f.noBound : formatFen(fen));
  const date = (d: string) => formatDate(d, locale);
  const who = (no: string | null) => no ?? m.unmatched;
  const method = (code: string | null) => (code ? ` (${m.methods[code as MatchRule["method"]] ?? t.desk.ticket.methods[code as keyof typeof t.desk.ticket.methods] ?? code})` : "");
  const fee = (v: number | null) => (v === null ? f.noFee : formatFen(v));
  const example = (e: RuleChangeExample) =>
    `${m.example(formatFen(e.amountFen), date(e.valueDate), `${who(e.before)}${method(e.methodBefore)}`, `${who(e.after)}${method(e.methodAfter)}`)}${e.feeBefore !== e.feeAfter ? `; ${f.fee(fee(e.feeBefore), fee(e.feeAfter))}` : ""}`;

  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{f.title}</h1>
      <p className="mb-3 max-w-3xl text-lg">{f.intro}</p>
      <p className="mb-6 text-lg">
        <Link href="/staff/match-rules" className="underline">
          {f.backToRules}
        </Link>
      </p>
      {query.done === "applied" && (
        <div data-applied className="mb-6">
          <Notice tone="ok">{f.applied}</Notice>
        </div>
      )}

      <h2 className="mb-3 text-2xl font-bold">{f.listTitle}</h2>
      {rules.length === 0 ? (
        <p className="mb-8 text-lg">{f.none}</p>
      ) : (
        <div className="mb-8 overflow-x-auto">
          <table className="min-w-full text-left text-lg" data-fee-rules>
            <thead>
              <tr className="border-b-2 border-gray-600">
                {[f.channel, f.effective, f.rate, f.rounding, f.min, f.max, f.appliesTo, f.tolerance].map((h) => (
                  <th key={h} scope="col" className="px-2 py-1">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.id} className="border-b border-gray-300" data-fee-rule={`${r.channel}:${r.effectiveFrom}`} data-effective-to={r.effectiveTo ?? ""}>
                  <td className="px-2 py-1">{channelName(r.channel)}</td>
                  <td className="px-2 py-1">{r.effectiveTo ? f.range(date(r.effectiveFrom), date(r.effectiveTo)) : f.from(date(r.effectiveFrom))}</td>
                  <td className="px-2 py-1">{f.rateValue(r.rate, r.rateUnit)}</td>
                  <td className="px-2 py-1">{f.roundings[r.rounding]}</td>
                  <td className="px-2 py-1">{yuan(r.minFen)}</td>
                  <td className="px-2 py-1">{yuan(r.maxFen)}</td>
                  <td className="px-2 py-1">{f.appliesToValues[r.appliesTo]}</td>
                  <td className="px-2 py-1">{formatFen(r.toleranceFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {outcome && !outcome.ok && <ErrorSummary title={f.errorTitle} code="invalid" message={f.errors[outcome.problem]} />}

      <h2 className="mb-3 text-2xl font-bold">{f.addTitle}</h2>
      <form method="get" action="/staff/match-rules/fees" className="mb-8 grid max-w-3xl gap-4 sm:grid-cols-2" data-fee-rule-form>
        <input type="hidden" name="dry" value="1" />
        <label className="flex flex-col text-lg">
          {f.channel}
          <select name="channel" defaultValue={values.channel ?? ""} className={input}>
            {channels.map((c) => (
              <option key={c} value={c}>
                {channelName(c)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-lg">
          {f.effectiveFrom}
          <input name="effective_from" defaultValue={values.effective_from ?? ""} inputMode="numeric" maxLength={10} className={input} />
        </label>
        <label className="flex flex-col text-lg">
          {f.rate}
          <input name="rate" defaultValue={values.rate ?? ""} inputMode="numeric" maxLength={5} className={input} />
        </label>
        <label className="flex flex-col text-lg">
          {f.unit}
          <select name="rate_unit" defaultValue={values.rate_unit || "bp"} className={input}>
            {FEE_RATE_UNITS.map((u) => (
              <option key={u} value={u}>
                {f.units[u]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-lg">
          {f.rounding}
          <select name="rounding" defaultValue={values.rounding || "half_up"} className={input}>
            {FEE_ROUNDINGS.map((r) => (
              <option key={r} value={r}>
                {f.roundings[r]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-lg">
          {f.appliesTo}
          <select name="applies_to" defaultValue={values.applies_to || "transaction"} className={input}>
            {FEE_APPLIES_TO.map((a) => (
              <option key={a} value={a}>
                {f.appliesToValues[a]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-lg">
          {f.min}
          <input name="min" defaultValue={values.min ?? ""} inputMode="decimal" maxLength={16} className={input} />
        </label>
        <label className="flex flex-col text-lg">
          {f.max}
          <input name="max" defaultValue={values.max ?? ""} inputMode="decimal" maxLength={16} className={input} />
        </label>
        <label className="flex flex-col text-lg">
          {f.tolerance}
          <input name="tolerance" defaultValue={values.tolerance ?? ""} inputMode="decimal" maxLength={16} className={input} />
        </label>
        <div className="sm:col-span-2">
          <Button type="submit">{f.dryRun}</Button>
        </div>
      </form>

      {outcome?.ok && (
        <section
          aria-labelledby="fee-dry-run-title"
          data-dry-run
          data-appear={outcome.diff.appear}
          data-disappear={outcome.diff.disappear}
          data-change={outcome.diff.change}
          className="max-w-3xl"
        >
          <h2 id="fee-dry-run-title" className="mb-3 text-2xl font-bold">
            {f.dryRunTitle}
          </h2>
          {outcome.plan.closes && <p className="mb-3 text-lg" data-closes={outcome.plan.closes.effectiveTo}>{f.closes(date(outcome.plan.closes.effectiveTo))}</p>}
          {outcome.diff.appear + outcome.diff.disappear + outcome.diff.change === 0 && <p className="mb-3 text-lg">{m.noChange}</p>}
          <dl className="mb-3 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-lg">
            {(["appear", "disappear", "change"] as const).map((kind) => (
              <div key={kind} className="contents">
                <dt className="font-semibold">{m[kind]}</dt>
                <dd data-count={kind}>{outcome.diff[kind]}</dd>
              </div>
            ))}
          </dl>
          <p className="mb-4 text-lg" data-exceptions={`${outcome.diff.exceptionsBefore}:${outcome.diff.exceptionsAfter}`}>
            {m.exceptions(outcome.diff.exceptionsBefore, outcome.diff.exceptionsAfter)}
          </p>
          {(["appear", "disappear", "change"] as const).map(
            (kind) =>
              outcome.diff.examples[kind].length > 0 && (
                <div key={kind} className="mb-4">
                  <h3 className="text-xl font-bold">
                    {m[kind]} · {m.examplesOf}
                  </h3>
                  <ul className="list-disc pl-6 text-lg" data-examples={kind}>
                    {outcome.diff.examples[kind].map((e) => (
                      <li key={e.lineId}>{example(e)}</li>
                    ))}
                  </ul>
                </div>
              ),
          )}
          <StaffForm action={applyFeeRuleAction} texts={backOfficeFormTexts(t)}>
            {Object.entries(feeRuleFormFields(outcome.plan.rule)).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <Button type="submit">{f.apply}</Button>
          </StaffForm>
        </section>
      )}
    </>
  );
}
