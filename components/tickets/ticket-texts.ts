import type { Messages } from "@/lib/i18n";
import { TICKET_CATEGORIES } from "@/lib/routing";
import type { TicketTexts } from "./ticket-form";

/** Plain strings for the client-side ticket form, picked from the catalogue on the server. */
export function ticketTexts(t: Messages): TicketTexts {
  const e = t.ticket.errors;
  return {
    categoryLegend: t.ticket.categoryLegend,
    categories: TICKET_CATEGORIES.map((c) => [c, t.ticket.categories[c]]),
    descriptionLabel: t.ticket.descriptionLabel,
    descriptionHint: t.ticket.descriptionHint,
    contactLabel: t.ticket.contactLabel,
    contactHint: t.ticket.contactHint,
    proofLabel: t.ticket.proofLabel,
    proofLabelRequired: t.resident.ticket.proofLabelRequired,
    proofHint: t.ticket.proofHint,
    keptProofs: t.resident.ticket.keptProofs,
    submit: t.resident.ticket.submit,
    submitWithProof: t.resident.ticket.submitWithProof,
    summaryTitle: t.errors.summaryTitle,
    help: t.resident.help.link,
    messages: {
      ...e,
      invalid: t.errors.invalid,
      error: t.errors.generic,
      not_allowed: t.tracking.notAllowedBody,
      answer_posted: t.ticket.answers.posted,
      answer_awaiting_bank: t.ticket.answers.awaiting_bank,
      existing: t.ticket.existing,
    },
  };
}
