import { StaffForm } from "@/components/console/staff-form";
import { NextTicketButton } from "@/components/console/queues/next-ticket-button";
import { QueueCountsTable } from "@/components/console/queues/queue-counts";
import { Notice } from "@/components/ui/notice";
import { queueCounts } from "@/db/queries/queues";
import { requestLocale } from "@/app/locale";
import { signOutEverywhereAction } from "../actions";
import { claimNextTicketAction } from "../tickets-actions";
import { consoleStaff } from "./guard";

export default async function ConsoleHome() {
  const [staff, { t }] = await Promise.all([consoleStaff("/staff"), requestLocale()]);
  const c = t.staff.console;
  const queueName = (q: string) => t.desk.queueNames[q as keyof typeof t.desk.queueNames] ?? "—";
  const queues = staff.role === "agent" ? (staff.queues.length > 0 ? staff.queues.map(queueName).join(t.htmlLang === "en" ? ", " : "、") : c.noQueues) : c.allQueues;
  const counts = await queueCounts(staff, new Date());
  return (
    <>
      <h1 className="mb-6 text-3xl font-bold">{c.title}</h1>
      {staff.isDemo && <Notice tone="warn">{c.demoAccountNote}</Notice>}
      <dl className="mb-6 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-lg" data-testid="whoami">
        <dt className="font-semibold">{c.signedInAs}</dt>
        <dd data-staff-email>{staff.email}</dd>
        <dt className="font-semibold">{c.role}</dt>
        <dd data-staff-role={staff.role}>{t.staff.roles[staff.role]}</dd>
        <dt className="font-semibold">{c.queues}</dt>
        <dd data-staff-queues={staff.queues.join(",")}>{queues}</dd>
      </dl>
      <h2 className="mb-3 text-2xl font-bold">{t.desk.home.title}</h2>
      {counts.length === 0 ? (
        <p className="mb-6 text-lg">{t.desk.home.noQueues}</p>
      ) : (
        <>
          <QueueCountsTable counts={counts} t={t} />
          <NextTicketButton action={claimNextTicketAction} t={t} />
        </>
      )}
      <StaffForm action={signOutEverywhereAction} texts={{ errors: t.appErrors }}>
        <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 px-4 py-2 font-semibold">
          {c.signOutEverywhere}
        </button>
      </StaffForm>
    </>
  );
}
