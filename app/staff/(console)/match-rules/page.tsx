import Link from "next/link";
import { StaffForm } from "@/components/console/staff-form";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/error-summary";
import { describedControl } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { dryRunMatchRules, mayEditMatchRules, matchRulesFor, type RuleChangeExample } from "@/db/queries/match-rules";
import { requestLocale } from "@/app/locale";
import { env } from "@/lib/env";
import { formatDate } from "@/lib/i18n/format";
import { MATCH_METHODS, parseRuleForm, REQUIRED_LINE_FIELDS, ruleFormFields, type MatchRule } from "@/lib/match-rules";
import { formatFen } from "@/lib/money";
import { backOfficeFormTexts, PageRefusal, type SearchParams } from "../console-page";
import { consoleStaff } from "../guard";
import { applyMatchRulesAction } from "./actions";

const input = "min-h-11 rounded-md border-2 border-gray-600 px-3 text-lg";

/**
 * Issue 16: finance tunes the matching rules. The form is a GET to this page with `dry=1`, so trying a
 * change works without JavaScript and changes nothing (the dry run is rolled back); applying is a
 * separate, audited server action carrying exactly the rules that were tried.
 */
export default async function MatchRulesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [staff, { t, locale }, query] = await Promise.all([consoleStaff("/staff/match-rules"), requestLocale(), searchParams]);
  const m = t.matchRules;
  if (!mayEditMatchRules(staff)) return <PageRefusal title={m.title} code="forbidden" message={m.forbidden} />;
  const stored = await matchRulesFor(staff);
  const text = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
  const trying = query.dry === "1";
  const proposal = trying ? parseRuleForm(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, text(v)]))) : null;
  const shown: MatchRule[] = proposal?.ok ? proposal.rules : stored;
  const values = trying && proposal && !proposal.ok ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, text(v) ?? ""])) : ruleFormFields(shown);
  const diff = proposal?.ok ? await dryRunMatchRules(staff, proposal.rules, { timeZone: env().TZ }) : null;
  const byMethod = (method: string) => shown.find((r) => r.method === method);
  const who = (no: string | null) => no ?? m.unmatched;
  const difference = (fen: number | null) => (fen === null ? "" : `, ${m.difference(formatFen(fen))}`);
  const side = (no: string | null, method: string | null, fen: number | null) =>
    `${who(no)}${method ? ` (${m.methods[method as MatchRule["method"]] ?? method}${difference(fen)})` : ""}`;
  const example = (e: RuleChangeExample) =>
    m.example(formatFen(e.amountFen), formatDate(e.valueDate, locale), side(e.before, e.methodBefore, e.differenceBefore), side(e.after, e.methodAfter, e.differenceAfter));
  // Each wrong field says what is wrong under itself; the summary links to it.
  const errors = proposal && !proposal.ok ? proposal.errors : [];
  const errorOf = (field: string) => errors.find((e) => e.field === field);
  const described = (field: string, hint = false) => describedControl(`field-${field}`, { hint, error: !!errorOf(field) });
  const fieldError = (field: string) => {
    const e = errorOf(field);
    return e ? (
      <span id={`field-${field}-error`} className="font-semibold text-bad" data-field-error={field}>
        {m.errors[e.code]}
      </span>
    ) : null;
  };

  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{m.title}</h1>
      <p className="mb-3 max-w-3xl text-lg">{m.intro}</p>
      <p className="mb-6 text-lg">
        <Link href="/staff/match-rules/fees" className="underline" data-fee-rules-link>
          {t.feeRules.link}
        </Link>
      </p>
      {query.done === "applied" && (
        <div data-applied className="mb-6">
          <Notice tone="ok">{m.applied}</Notice>
        </div>
      )}
      {errors.length > 0 && <ErrorSummary title={m.errorTitle} code="invalid" fieldErrors={errors.map((e) => ({ field: e.field, message: m.errors[e.code] }))} />}

      <form method="get" action="/staff/match-rules" className="mb-8 max-w-3xl space-y-4" data-match-rules-form>
        <input type="hidden" name="dry" value="1" />
        {MATCH_METHODS.map((method) => (
          <fieldset key={method} className="rounded-md border-2 border-gray-300 p-4" data-rule={method}>
            <legend className="px-1 text-xl font-bold">{m.methods[method]}</legend>
            <div className="flex flex-wrap items-end gap-6">
              <label className="flex flex-col text-lg">
                {m.position}
                {fieldError(`position_${method}`)}
                <input name={`position_${method}`} {...described(`position_${method}`)} defaultValue={values[`position_${method}`] ?? ""} inputMode="numeric" maxLength={1} className={`${input} w-20`} />
              </label>
              <label className="flex min-h-11 items-center gap-2 text-lg">
                <input type="checkbox" name={`enabled_${method}`} defaultChecked={values[`enabled_${method}`] === "on"} className="h-6 w-6" />
                {m.enabled}
              </label>
            </div>
            {method === "amount_date" && (
              <div className="mt-4 flex flex-col gap-4">
                <label className="flex flex-col text-lg">
                  {m.window}
                  {fieldError("window_amount_date")}
                  <input name="window_amount_date" {...described("window_amount_date")} defaultValue={values.window_amount_date ?? ""} inputMode="numeric" maxLength={2} className={`${input} w-24`} />
                </label>
                <label className="flex flex-col text-lg">
                  {m.tolerance}
                  <span id="field-tolerance_amount_date-hint" className="text-base text-gray-700">
                    {m.toleranceHint}
                  </span>
                  {fieldError("tolerance_amount_date")}
                  <input name="tolerance_amount_date" {...described("tolerance_amount_date", true)} defaultValue={values.tolerance_amount_date ?? ""} inputMode="decimal" maxLength={8} className={`${input} w-32`} />
                </label>
                <label className="flex min-h-11 items-center gap-2 text-lg">
                  <input type="checkbox" name="channel_amount_date" defaultChecked={values.channel_amount_date === "on" || (!trying && byMethod("amount_date")?.requireChannel)} className="h-6 w-6" />
                  {m.sameChannel}
                </label>
                <fieldset data-required-fields>
                  <legend className="text-lg">{m.required}</legend>
                  {REQUIRED_LINE_FIELDS.map((f) => (
                    <label key={f} className="flex min-h-11 items-center gap-2 text-lg">
                      <input type="checkbox" name={`require_${f}_amount_date`} defaultChecked={values[`require_${f}_amount_date`] === "on"} className="h-6 w-6" />
                      {m.requiredFields[f]}
                    </label>
                  ))}
                </fieldset>
              </div>
            )}
          </fieldset>
        ))}
        <Button type="submit">{m.dryRun}</Button>
      </form>

      {diff && proposal?.ok && (
        <section aria-labelledby="dry-run-title" data-dry-run data-appear={diff.appear} data-disappear={diff.disappear} data-change={diff.change} className="max-w-3xl">
          <h2 id="dry-run-title" className="mb-3 text-2xl font-bold">
            {m.dryRunTitle}
          </h2>
          {diff.appear + diff.disappear + diff.change === 0 && <p className="mb-3 text-lg">{m.noChange}</p>}
          <dl className="mb-3 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-lg">
            {(["appear", "disappear", "change"] as const).map((kind) => (
              <div key={kind} className="contents">
                <dt className="font-semibold">{m[kind]}</dt>
                <dd data-count={kind}>{diff[kind]}</dd>
              </div>
            ))}
          </dl>
          <p className="mb-4 text-lg" data-exceptions={`${diff.exceptionsBefore}:${diff.exceptionsAfter}`}>
            {m.exceptions(diff.exceptionsBefore, diff.exceptionsAfter)}
          </p>
          {(["appear", "disappear", "change"] as const).map(
            (kind) =>
              diff.examples[kind].length > 0 && (
                <div key={kind} className="mb-4">
                  <h3 className="text-xl font-bold">
                    {m[kind]} · {m.examplesOf}
                  </h3>
                  <ul className="list-disc pl-6 text-lg" data-examples={kind}>
                    {diff.examples[kind].map((e) => (
                      <li key={e.lineId}>{example(e)}</li>
                    ))}
                  </ul>
                </div>
              ),
          )}
          <StaffForm action={applyMatchRulesAction} texts={backOfficeFormTexts(t)}>
            {Object.entries(ruleFormFields(proposal.rules)).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <Button type="submit">{m.apply}</Button>
          </StaffForm>
        </section>
      )}
    </>
  );
}
