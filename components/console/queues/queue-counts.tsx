import type { QueueCounts } from "@/db/queries/queues";
import type { Messages } from "@/lib/i18n";

/** Per-queue counts on the console home, each queue linking to its page. */
export function QueueCountsTable({ counts, t }: { counts: QueueCounts[]; t: Messages }) {
  const h = t.desk.home;
  return (
    <div className="mb-6 overflow-x-auto">
      <table className="w-full border-collapse text-left" data-testid="queue-counts">
        <thead>
          <tr className="border-b-2 border-gray-800">
            <th scope="col" className="p-2">{h.queue}</th>
            <th scope="col" className="p-2 text-right">{h.open}</th>
            <th scope="col" className="p-2 text-right">{h.waiting}</th>
            <th scope="col" className="p-2 text-right">{h.breached}</th>
            <th scope="col" className="p-2 text-right">{h.unassigned}</th>
          </tr>
        </thead>
        <tbody>
          {counts.map((c) => (
            <tr key={c.queue} data-queue={c.queue} className="border-b border-gray-300">
              <th scope="row" className="p-2 font-normal">
                <a href={`/staff/queues/${c.queue}`} className="font-semibold text-brand underline">
                  {t.desk.queueNames[c.queue]}
                </a>
              </th>
              <td className="p-2 text-right" data-count="open">{c.open}</td>
              <td className="p-2 text-right" data-count="waiting">{c.waiting}</td>
              <td className={`p-2 text-right ${c.breached > 0 ? "font-bold text-bad" : ""}`} data-count="breached">{c.breached}</td>
              <td className="p-2 text-right" data-count="unassigned">{c.unassigned}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
