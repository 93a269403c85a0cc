import type { StaffPrincipal } from "@/db/queries/staff";
import type { StaffTicketView } from "@/db/queries/staff-tickets";
import type { StaffFormAction } from "@/lib/action-state";
import { CANNED_REPLIES, CANNED_REPLY_IDS, type CannedReplyId } from "@/lib/canned-replies";
import type { Messages } from "@/lib/i18n";
import { fill } from "@/lib/i18n";
import { TICKET_QUEUES } from "@/lib/routing";
import { actionAllowed } from "@/lib/ticket-desk";
import type { ReactNode } from "react";
import { Field, TextAreaField } from "@/components/ui/field";
import { StaffForm } from "@/components/console/staff-form";

/** The desk's server actions (app/staff/tickets-actions.ts), one per form below. */
export type TicketDeskActions = Record<"claim" | "assign" | "reply" | "askInfo" | "note" | "resolve" | "transfer" | "merge" | "close", StaffFormAction>;

/** `primary` (claim, reply, resolve) sits in the ticket's first screen; `more` (the rest) below the details (issue 18). */
type Props = { view: StaffTicketView; actions: TicketDeskActions; staff: StaffPrincipal; t: Messages; cannedText: string; canned: CannedReplyId | null; part: "primary" | "more" };

const button = "min-h-12 rounded-md border-2 border-gray-800 px-4 py-2 text-lg font-semibold";
const primary = "min-h-12 rounded-md bg-brand px-5 py-2 text-lg font-semibold text-white hover:bg-brand-dark";
const input = "block min-h-12 w-full rounded-md border-2 border-gray-800 px-3 py-2 text-lg";
/** The text box every message form has: the action reads `body`. */
const body = { name: "body", rows: 4, maxLength: 4000, required: true } as const;

/**
 * The actions a clerk can take on this ticket now (lib/ticket-desk.ts decides
 * by status). Every form carries the ticket version it was rendered with: a
 * form that is out of date is refused by the data layer and says so.
 */
export function TicketActions({ view, actions, staff, t, cannedText, canned, part }: Props) {
  const { ticket } = view;
  const a = t.desk.actions;
  const texts = { done: a.done, errors: t.appErrors, refusals: a.refusals };
  const hidden = (
    <>
      <input type="hidden" name="ref" value={ticket.ref} />
      <input type="hidden" name="version" value={ticket.version} />
    </>
  );
  const can = (action: Parameters<typeof actionAllowed>[0]) => actionAllowed(action, ticket.status);
  const residentLanguage = t.desk.localeNames[ticket.locale === "en" ? "en" : "zh-CN"];

  if (part === "primary") {
    return (
      <section aria-labelledby="actions-title" className="mb-6">
        <h2 id="actions-title" className="mb-3 text-2xl font-bold">
          {a.title}
        </h2>
      {can("claim") && ticket.assigneeId !== staff.id && (staff.role !== "agent" || ticket.assigneeId === null) && (
        <StaffForm action={actions.claim} texts={texts} className="mb-4">
          {hidden}
          <button type="submit" className={primary} data-action="claim">
            {a.claim}
          </button>
        </StaffForm>
      )}

      {can("reply") && (
        <Section id="reply" title={a.reply}>
          <p className="mb-2">{a.canned}</p>
          <ul className="mb-3 flex flex-wrap gap-3">
            {CANNED_REPLY_IDS.map((id) => (
              <li key={id}>
                <a href={`?canned=${id}#reply-body`} aria-current={canned === id || undefined} className="font-semibold text-brand underline">
                  {CANNED_REPLIES[id].title[t.htmlLang === "en" ? "en" : "zh-CN"]}
                </a>
              </li>
            ))}
          </ul>
          <StaffForm action={actions.reply} texts={texts}>
            {hidden}
            <TextAreaField {...body} rows={3} id="reply-body" label={a.message} hint={fill(a.replyHint, { lang: residentLanguage })} defaultValue={cannedText} />
            <button type="submit" className={primary} data-action="reply">
              {a.send}
            </button>
          </StaffForm>
        </Section>
      )}

      {can("resolve") && (
        <Section id="resolve" title={a.resolve}>
          <StaffForm action={actions.resolve} texts={texts}>
            {hidden}
            <TextAreaField {...body} rows={2} id="resolve-body" label={a.resolveNote} required={false} />
            <button type="submit" className={primary} data-action="resolve">
              {a.doResolve}
            </button>
          </StaffForm>
        </Section>
      )}

      </section>
    );
  }
  return (
    <section aria-labelledby="more-actions-title" className="mb-8">
      <h2 id="more-actions-title" className="mb-3 text-2xl font-bold">
        {a.more}
      </h2>
      {staff.role !== "agent" && can("assign") && (
        <Section id="assign" title={a.assign}>
          <StaffForm action={actions.assign} texts={texts} className="flex flex-wrap items-end gap-3">
            {hidden}
            <label className="flex flex-col font-semibold">
              {a.assignTo}
              <select name="assignee" defaultValue="auto" className={input}>
                <option value="auto">{a.assignAuto}</option>
                {view.agents.map((agent) => (
                  <option key={agent.id} value={agent.id}>
                    {agent.name || agent.email} ({fill(a.load, { n: agent.load })})
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className={button}>
              {a.assign}
            </button>
          </StaffForm>
        </Section>
      )}

      {can("ask_info") && (
        <Section id="ask-info" title={a.askInfo}>
          <StaffForm action={actions.askInfo} texts={texts}>
            {hidden}
            <TextAreaField {...body} id="ask-info-body" label={a.message} hint={a.askInfoHint} />
            <button type="submit" className={button} data-action="ask_info">
              {a.ask}
            </button>
          </StaffForm>
        </Section>
      )}

      <Section id="note" title={a.note}>
        <StaffForm action={actions.note} texts={texts}>
          {hidden}
          <TextAreaField {...body} id="note-body" label={a.message} hint={a.noteHint} />
          <button type="submit" className={button} data-action="note">
            {a.addNote}
          </button>
        </StaffForm>
      </Section>

      {can("transfer") && (
        <Section id="transfer" title={a.transfer}>
          <StaffForm action={actions.transfer} texts={texts} className="flex flex-wrap items-end gap-3">
            {hidden}
            <label className="flex flex-col font-semibold">
              {a.transferTo}
              <select name="queue" className={input} defaultValue={TICKET_QUEUES.find((q) => q !== ticket.queue)}>
                {TICKET_QUEUES.filter((q) => q !== ticket.queue).map((q) => (
                  <option key={q} value={q}>
                    {t.desk.queueNames[q]}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className={button} data-action="transfer">
              {a.doTransfer}
            </button>
          </StaffForm>
        </Section>
      )}

      {can("merge") && (
        <Section id="merge" title={a.merge}>
          <StaffForm action={actions.merge} texts={texts}>
            {hidden}
            <Field id="merge-into" name="into" label={a.mergeInto} hint={a.mergeHint} required autoComplete="off" className="max-w-xs font-mono" />
            <button type="submit" className={button} data-action="merge">
              {a.doMerge}
            </button>
          </StaffForm>
        </Section>
      )}

      {can("close") && (
        <Section id="close" title={a.close}>
          <StaffForm action={actions.close} texts={texts}>
            {hidden}
            <button type="submit" className={button} data-action="close">
              {a.doClose}
            </button>
          </StaffForm>
        </Section>
      )}
    </section>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} className="mb-4 rounded-md border-2 border-gray-300 p-3" data-action-section={id}>
      <h3 id={`${id}-title`} className="mb-1 text-xl font-bold">
        {title}
      </h3>
      {children}
    </section>
  );
}
