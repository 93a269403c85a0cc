import { connection } from "next/server";
import { notFound } from "next/navigation";

/**
 * The baseline for `npm run bench:lookup`: a dynamic page of the same build
 * and layout that does no work of its own. Absent unless PAYSTATUS_BENCH=1.
 */
export default async function TrivialPage() {
  await connection();
  if (process.env.PAYSTATUS_BENCH !== "1") notFound();
  return <p>ok</p>;
}
