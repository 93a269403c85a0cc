import type { StaffRole } from "@/lib/auth/roles";
import type { Messages } from "@/lib/i18n";

/** The console's navigation: one entry per area, shown to the roles that may use it (the pages check again). */
export const CONSOLE_NAV: { href: string; roles: readonly StaffRole[]; label: (t: Messages) => string }[] = [
  { href: "/staff", roles: ["agent", "supervisor", "admin"], label: (t) => t.staff.console.home },
  { href: "/staff/admin/staff", roles: ["admin"], label: (t) => t.staff.console.adminStaff },
  { href: "/staff/corrections", roles: ["agent", "supervisor"], label: (t) => t.backOffice.nav.corrections },
  { href: "/staff/exceptions", roles: ["agent", "supervisor", "admin"], label: (t) => t.backOffice.nav.exceptions },
  { href: "/staff/match-rules", roles: ["agent", "supervisor", "admin"], label: (t) => t.matchRules.title },
  { href: "/staff/incidents", roles: ["agent", "supervisor", "admin"], label: (t) => t.backOffice.nav.incidents },
  { href: "/staff/imports", roles: ["admin"], label: (t) => t.backOffice.nav.imports },
  { href: "/staff/dashboard", roles: ["supervisor", "admin"], label: (t) => t.oversight.nav.dashboard },
  { href: "/staff/batches", roles: ["supervisor", "admin"], label: (t) => t.oversight.nav.batches },
  { href: "/staff/admin/settings", roles: ["admin"], label: (t) => t.oversight.nav.settings },
  { href: "/staff/admin/audit", roles: ["supervisor", "admin"], label: (t) => t.oversight.nav.audit },
];
