import { ActionForm } from "@/components/console/action-form";
import { Notice } from "@/components/ui/notice";
import { requestLocale } from "../../locale";
import { signOutEverywhereAction } from "../actions";
import { consoleStaff } from "./guard";

export default async function ConsoleHome() {
  const [staff, { t }] = await Promise.all([consoleStaff("/staff"), requestLocale()]);
  const c = t.staff.console;
  const queues = staff.role === "agent" ? (staff.queues.length > 0 ? staff.queues.join(", ") : c.noQueues) : c.allQueues;
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
        <dd data-staff-queues>{queues}</dd>
      </dl>
      <p className="mb-6 text-lg">{c.comingSoon}</p>
      <ActionForm action={signOutEverywhereAction} texts={{ done: "", errors: t.staff.actionErrors }} showDone={false}>
        <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 px-4 py-2 font-semibold">
          {c.signOutEverywhere}
        </button>
      </ActionForm>
    </>
  );
}
