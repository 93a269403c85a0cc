import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * CI's dependency check: `npm audit --omit=dev --audit-level=high` against
 * the registry's advisory database. A known high or critical advisory in a
 * production dependency fails the build. When the registry does not answer
 * audits (some mirrors refuse the bulk endpoint with 405), that is said
 * plainly and a narrow offline check runs instead: the installed versions
 * of the packages whose advisories would expose this app most (the
 * framework and its React server runtime) against the first fixed
 * versions. The offline check is not an audit; the warning says so.
 */
type AuditReport = {
  vulnerabilities?: Record<string, { severity: string; via: unknown[]; range?: string; fixAvailable?: unknown }>;
  metadata?: { vulnerabilities?: Record<string, number> };
  statusCode?: number;
  message?: string;
};

/**
 * First fixed versions of advisories in the request path. Next.js bundles its own React Server
 * Components runtime, so its version covers React2Shell (CVE-2025-55182) and the follow-ups
 * (CVE-2025-55183, CVE-2025-55184, CVE-2025-67779); the middleware bypass is CVE-2025-29927.
 */
const OFFLINE_FLOORS: [pkg: string, minimum: string, advisory: string][] = [
  ["next", "16.0.10", "CVE-2025-29927, CVE-2025-55182, CVE-2025-55183, CVE-2025-55184, CVE-2025-67779"],
];

const result = spawnSync("npm", ["audit", "--omit=dev", "--audit-level=high", "--json"], { encoding: "utf8", timeout: 120_000 });
let report: AuditReport | undefined;
try {
  report = JSON.parse(result.stdout) as AuditReport;
} catch {
  report = undefined;
}

if (report?.metadata?.vulnerabilities) {
  const serious = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) => v.severity === "high" || v.severity === "critical");
  const counts = report.metadata.vulnerabilities;
  console.log(`npm audit (production dependencies): ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  for (const [name, v] of serious) console.error(`  ${v.severity}: ${name} ${v.range ?? ""}`);
  process.exit(serious.length > 0 ? 1 : 0);
}

console.warn(
  `WARNING: the registry did not answer the audit (${report?.message ?? (result.stderr.trim().split("\n").pop() || "no answer")}).\n` +
    "Known advisories were NOT checked against the advisory database. Run `npm audit --omit=dev` where the public registry is reachable.\n" +
    "Offline fallback: installed versions of the request-path packages against their first fixed versions:",
);
let failed = false;
for (const [pkg, minimum, advisory] of OFFLINE_FLOORS) {
  const installed = (JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, "utf8")) as { version: string }).version;
  const ok = compareVersions(installed, minimum) >= 0;
  failed ||= !ok;
  console.warn(`  ${ok ? "ok  " : "FAIL"} ${pkg} ${installed} (needs >= ${minimum}: ${advisory})`);
}
process.exit(failed ? 1 : 0);

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).slice(0, 3).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
