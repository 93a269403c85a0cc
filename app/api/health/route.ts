import { databaseIsUp } from "@/db/queries/health";

export const dynamic = "force-dynamic";

/** Public liveness and database state: 200 {status:"ok",db:"ok"}, or 503 when the database is unreachable. */
export async function GET() {
  const up = await databaseIsUp();
  return Response.json(up ? { status: "ok", db: "ok" } : { status: "degraded", db: "down" }, {
    status: up ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
