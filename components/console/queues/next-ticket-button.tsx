import type { StaffFormAction } from "@/lib/action-state";
import type { Messages } from "@/lib/i18n";
import { StaffForm } from "@/components/console/staff-form";

/** "Next ticket": claims the most urgent unassigned ticket of the caller's queues and opens it. */
export function NextTicketButton({ action, t }: { action: StaffFormAction; t: Messages }) {
  return (
    <StaffForm action={action} texts={{ errors: t.appErrors, refusals: t.desk.actions.refusals }} className="mb-6">
      <p id="next-ticket-hint" className="mb-2">
        {t.desk.home.nextHint}
      </p>
      <button type="submit" aria-describedby="next-ticket-hint" data-testid="next-ticket" className="min-h-12 rounded-md bg-brand px-6 py-3 text-lg font-semibold text-white hover:bg-brand-dark">
        {t.desk.home.nextTicket}
      </button>
    </StaffForm>
  );
}
