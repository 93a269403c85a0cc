import { notFound, redirect } from "next/navigation";
import { LookupForm } from "@/components/lookup/lookup-form";
import { lookupTexts } from "@/components/lookup/lookup-texts";
import { StatusView } from "@/components/status/status-view";
import { SubscribeForm } from "@/components/status/subscribe-form";
import { Notice } from "@/components/ui/notice";
import { countLookup } from "@/db/queries/lookup-stats";
import { publicStatus } from "@/db/queries/status";
import { ticketsForReceipt } from "@/db/queries/tickets";
import { formatZonedDate } from "@/lib/i18n/format";
import { env } from "@/lib/env";
import { SUBSCRIBABLE } from "@/lib/posting-notice";
import { checkReceiptNo } from "@/lib/receipt-number";
import { requestLocale } from "@/app/locale";
import { lookupAction } from "../../actions";
import { receiptAccess } from "../../receipt-access";
import { subscribeAction } from "../../subscribe-actions";
import { subscribedHere } from "../../subscribe-cookie";

type Props = { params: Promise<{ receipt: string }>; searchParams: Promise<{ t?: string | string[] }> };

export default async function ReceiptStatusPage({ params, searchParams }: Props) {
  const [{ receipt: raw }, query, { locale, t }] = await Promise.all([params, searchParams, requestLocale()]);
  const config = env();
  const decoded = safeDecode(raw);
  const checked = checkReceiptNo(decoded, config.receiptFormat);
  if (!checked.ok) notFound();
  const token = typeof query.t === "string" ? query.t : undefined;
  if (checked.receiptNo !== decoded) {
    redirect(`/r/${checked.receiptNo}${token ? `?t=${encodeURIComponent(token)}` : ""}`);
  }
  const receiptNo = checked.receiptNo;

  const { viaToken, viaLookup } = await receiptAccess(receiptNo, token);
  if (!viaToken && !viaLookup) {
    return (
      <>
        <h1 className="mb-3 text-3xl font-bold">{t.lookup.title}</h1>
        <Notice>{t.lookup.prefilledNotice}</Notice>
        <LookupForm action={lookupAction} texts={lookupTexts(t)} initialReceipt={receiptNo} />
      </>
    );
  }

  if (viaToken && !viaLookup) countLookup("qr", config.TZ);
  const result = await publicStatus(receiptNo, { now: new Date(), timeZone: config.TZ });
  const reportHref = `/r/${receiptNo}/ticket${viaToken && token ? `?t=${encodeURIComponent(token)}` : ""}`;
  const status = result?.status ?? { code: "not_found" as const };
  let subscription: React.ReactNode = null;
  if (result && SUBSCRIBABLE.includes(status.code)) {
    subscription = (await subscribedHere(receiptNo)) ? (
      <div data-subscribed="true">
        <Notice tone="ok">{t.channels.subscribe.done}</Notice>
      </div>
    ) : (
      <SubscribeForm
        action={subscribeAction}
        texts={{ ...t.channels.subscribe, summaryTitle: t.errors.summaryTitle }}
        receiptNo={receiptNo}
        token={viaToken ? token : undefined}
      />
    );
  }
  const made = await ticketsForReceipt(receiptNo);
  const query_t = viaToken && token ? `?t=${encodeURIComponent(token)}` : "";
  const receiptTickets =
    made.length > 0 ? (
      <section aria-labelledby="receipt-tickets-title" className="mb-6" data-receipt-tickets>
        <h2 id="receipt-tickets-title" className="mb-2 text-xl font-bold">
          {t.resident.tracking.listTitle}
        </h2>
        <ul className="list-none space-y-2 text-lg">
          {made.map((ticket) => (
            <li key={ticket.ref}>
              <a href={`/r/${receiptNo}/tickets/${ticket.ref}${query_t}`} className="inline-flex min-h-11 flex-wrap items-center gap-x-3 text-brand underline">
                <span className="font-mono">{ticket.ref}</span>
                <span>{t.ticket.categories[ticket.category]}</span>
                <span>{t.tracking.statuses[ticket.status]}</span>
                <span>{formatZonedDate(ticket.createdAt, locale, config.TZ)}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
    ) : null;
  return (
    <StatusView
      receiptTickets={receiptTickets}
      receiptNo={receiptNo}
      receipt={result?.receipt ?? null}
      status={status}
      confirmation={result?.confirmation ?? null}
      refund={result?.refund ?? null}
      subscription={subscription}
      incidents={result?.incidents ?? []}
      t={t}
      locale={locale}
      timeZone={config.TZ}
      reportHref={reportHref}
      certificateHref={status.code === "posted" ? `/r/${receiptNo}/certificate${viaToken && token ? `?t=${encodeURIComponent(token)}` : ""}` : undefined}
    />
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return "";
  }
}
