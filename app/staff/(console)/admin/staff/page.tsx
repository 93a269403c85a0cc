import { StaffForm } from "@/components/console/staff-form";
import { listStaff } from "@/db/queries/staff-accounts";
import { STAFF_ROLES } from "@/lib/auth/roles";
import { requestLocale } from "@/app/locale";
import { changeStaffRoleAction, resetStaffTwoFactorAction, setStaffDisabledAction } from "../../../actions";
import { PageRefusal, readOrRefusal } from "../../console-page";
import { consoleStaff } from "../../guard";
import { DataTable } from "@/components/ui/data-table";

export default async function StaffAdminPage() {
  const [staff, { t }] = await Promise.all([consoleStaff("/staff/admin/staff"), requestLocale()]);
  const a = t.staff.admin;
  const read = await readOrRefusal(listStaff(staff));
  if (!read.ok) return <PageRefusal title={a.title} code={read.code} message={a.forbidden} />;
  const rows = read.value;
  const texts = { done: a.done, errors: t.appErrors };
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{a.title}</h1>
      <p className="mb-6">{a.cliHint}</p>
      <DataTable headers={[a.email, a.role, a.queues, a.status, a.twoFactor, a.actions]}>
        {rows.map((row) => (
          <tr key={row.id} data-staff-row={row.email} className="border-b border-gray-300 align-top">
            <td className="p-2">
              {row.email}
              {row.isDemo && <span className="ml-2 rounded bg-amber-200 px-2 text-sm text-amber-950">{a.demo}</span>}
            </td>
            <td className="p-2">{t.staff.roles[row.role]}</td>
            <td className="p-2" data-staff-queues={row.queues.join(",")}>{row.queues.map((q) => t.desk.queueNames[q as keyof typeof t.desk.queueNames] ?? "—").join(t.htmlLang === "en" ? ", " : "、")}</td>
            <td className="p-2" data-staff-status={row.disabled ? "disabled" : "active"}>
              {row.disabled ? a.disabled : a.active}
              {row.locked && ` · ${a.locked}`}
            </td>
            <td className="p-2" data-staff-two-factor={row.twoFactor ? "on" : "off"}>
              {row.twoFactor ? a.twoFactorOn : a.twoFactorOff}
            </td>
            <td className="p-2">
              {row.id !== staff.id && (
                <div className="flex flex-wrap gap-4">
                  <StaffForm action={setStaffDisabledAction} texts={texts}>
                    <input type="hidden" name="staffId" value={row.id} />
                    <input type="hidden" name="disabled" value={row.disabled ? "false" : "true"} />
                    <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 px-3 py-2 font-semibold">
                      {row.disabled ? a.enable : a.disable}
                      <span className="sr-only"> {row.email}</span>
                    </button>
                  </StaffForm>
                  <StaffForm action={changeStaffRoleAction} texts={texts} className="flex flex-wrap items-end gap-2">
                    <input type="hidden" name="staffId" value={row.id} />
                    <label className="flex flex-col text-sm">
                      {a.newRole}
                      <select name="role" defaultValue={row.role} className="min-h-11 rounded-md border-2 border-gray-800 px-2">
                        {STAFF_ROLES.map((role) => (
                          <option key={role} value={role}>
                            {t.staff.roles[role]}
                          </option>
                        ))}
                      </select>
                    </label>
                    <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 px-3 py-2 font-semibold">
                      {a.changeRole}
                      <span className="sr-only"> {row.email}</span>
                    </button>
                  </StaffForm>
                  {row.twoFactor && (
                    <StaffForm action={resetStaffTwoFactorAction} texts={texts}>
                      <input type="hidden" name="staffId" value={row.id} />
                      <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 px-3 py-2 font-semibold">
                        {a.resetTwoFactor}
                        <span className="sr-only"> {row.email}</span>
                      </button>
                    </StaffForm>
                  )}
                </div>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
