import { claimNextTicketAction } from "@/app/staff/tickets-actions";
import type { Messages } from "@/lib/i18n";
import { TicketActionForm } from "../tickets/ticket-action-form";

/** "Next ticket": claims the most urgent unassigned ticket of the caller's queues and opens it. */
export function NextTicketButton({ t }: { t: Messages }) {
  return (
    <TicketActionForm
      action={claimNextTicketAction}
      texts={{ done: "", errors: t.staff.actionErrors, refusals: t.desk.actions.refusals }}
      className="mb-6"
    >
      <p id="next-ticket-hint" className="mb-2">
        {t.desk.home.nextHint}
      </p>
      <button type="submit" aria-describedby="next-ticket-hint" data-testid="next-ticket" className="min-h-12 rounded-md bg-brand px-6 py-3 text-lg font-semibold text-white hover:bg-brand-dark">
        {t.desk.home.nextTicket}
      </button>
    </TicketActionForm>
  );
}
