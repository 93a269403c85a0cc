import { requestLocale } from "@/app/locale";
import { env } from "@/lib/env";
import { helpContact } from "@/lib/help-contact";

/** Where every page's footer and every error sends a resident who is stuck: hotline, hours, counters. */
export default async function HelpPage() {
  const { locale, t } = await requestLocale();
  const h = t.resident.help;
  const contact = helpContact(env(), locale, t);
  return (
    <>
      <h1 className="mb-6 text-3xl font-bold">{h.title}</h1>
      <dl className="mb-8 grid grid-cols-1 gap-x-6 gap-y-2 text-lg sm:grid-cols-[max-content_1fr]">
        <dt className="font-semibold">{h.hotline}</dt>
        <dd>
          <a href={`tel:${contact.hotline.replace(/[^0-9+]/g, "")}`} className="text-2xl font-bold text-brand underline" data-help-hotline>
            {contact.hotline}
          </a>
        </dd>
        <dt className="font-semibold">{h.hours}</dt>
        <dd>{contact.hours}</dd>
        <dt className="font-semibold">{h.counters}</dt>
        <dd>
          {contact.counters.length > 0 ? (
            <ul className="list-none space-y-1">
              {contact.counters.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          ) : (
            h.noCounters
          )}
        </dd>
      </dl>
      <h2 className="mb-2 text-xl font-bold">{h.bringTitle}</h2>
      <ul className="mb-8 list-disc pl-6 text-lg">
        {h.bring.map((b) => (
          <li key={b}>{b}</li>
        ))}
      </ul>
      <h2 id="missing" className="mb-2 text-xl font-bold">
        {h.missingTitle}
      </h2>
      <p className="mb-6 text-lg">{h.missingBody}</p>
      <a href="/" className="text-lg text-brand underline">
        {t.errors.backHome}
      </a>
    </>
  );
}
