export const dynamic = "force-dynamic";

/**
 * The baseline for `npm run bench:notify`: a POST route handler of the same
 * build that reads the body it is sent and does nothing with it (204).
 * Absent (404) unless PAYSTATUS_BENCH=1.
 */
export async function POST(request: Request) {
  if (process.env.PAYSTATUS_BENCH !== "1") return new Response(null, { status: 404, headers: { "Cache-Control": "no-store" } });
  await request.arrayBuffer();
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}
