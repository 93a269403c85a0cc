import { pushReceipts } from "@/db/queries/api-receipts";
import { env } from "@/lib/env";
import { parseReceiptPush } from "@/lib/receipt-push";
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
    const declared = Number(request.headers.get("content-length") ?? 0);
    if (declared > MAX_BODY_BYTES) return apiError(413, "payload_too_large");
    const text = await request.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) return apiError(413, "payload_too_large");
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
