/**
 * A staff account of the browser tests' own, created by e2e/serve.ts before the demo seed: e2e/staff/admin.spec.ts
 * disables it and changes its role, which ends its sessions, so no other spec (nor a worker's kept demo session,
 * e2e/test.ts) uses it. An agent on the clerk's queues, with the demo password and no second factor.
 */
export const ADMIN_SUBJECT = { email: "e2e-admin-subject@paystatus.invalid", role: "agent", queues: ["refunds", "finance"] } as const;
