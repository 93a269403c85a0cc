import { pushReceipts } from "@/db/queries/api-receipts";
import { env } from "@/lib/env";
import { parseReceiptPush } from "@/lib/receipt-push";
import { readCappedBody } from "../body";
import { apiError, apiOk, withApiStaff } from "../respond";

export const dynamic = "force-dynamic";

/** 500 receipts with long names fit well within this. */
const MAX_BODY_BYTES = 1_000_000;

/**
 * POST /api/v1/receipts — the billing system pushes one receipt or a batch
 * (all or nothing). Admin tokens only. Idempotent on receipt_no: each receipt
 * comes back as inserted, updated, unchanged or stale.
 */
export async function POST(request: Request) {
  return withApiStaff(request, async (staff) => {
    if (staff.role !== "admin") return apiError(403, "forbidden");
    if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) return apiError(415, "invalid_request", { errors: [{ field: "content-type", code: "unsupported" }] });
    // Declared or actually sent: a chunked body is never read past the cap either.
    const bytes = await readCappedBody(request, MAX_BODY_BYTES);
    if (bytes === null) return apiError(413, "payload_too_large");
    const text = new TextDecoder().decode(bytes); // as request.text() decodes: UTF-8, a leading BOM dropped
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return apiError(400, "invalid_request", { errors: [{ index: -1, field: "body", code: "invalid_json" }] });
    }
    const config = env();
    const parsed = parseReceiptPush(body, config.receiptFormat);
    if (!parsed.ok) return apiError(400, "invalid_request", { errors: parsed.errors });
    const result = await pushReceipts(staff, parsed.records, { timeZone: config.TZ });
    if (result.kind === "unknown_codes") return apiError(400, "invalid_request", { errors: result.errors.map((e) => ({ ...e, code: "unknown" })) });
    return apiOk({ results: result.results });
  });
}
