/**
 * Which wrapper made a server action: staffAction (app/staff/action-client.ts) or publicAction
 * (app/public-action.ts). app/staff/server-actions.test.ts refuses any "use server" export without it.
 */
export const ACTION_KIND = Symbol.for("paystatus.actionKind");
export type ActionKind = "staff" | "public";

export function markAction<F extends (...args: never[]) => unknown>(fn: F, kind: ActionKind): F {
  Object.defineProperty(fn, ACTION_KIND, { value: kind });
  return fn;
}

export function actionKind(fn: unknown): ActionKind | undefined {
  return typeof fn === "function" ? (fn as unknown as Record<symbol, ActionKind | undefined>)[ACTION_KIND] : undefined;
}
