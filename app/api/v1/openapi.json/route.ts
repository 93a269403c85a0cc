import { MAX_PUSH } from "@/lib/receipt-push";
import { TICKET_CATEGORIES, TICKET_QUEUES, TICKET_STATUSES } from "@/lib/routing";
import { BILLING_STATUSES, STATUS_CODES } from "@/lib/status";

export const dynamic = "force-static";

/** OpenAPI 3.1 description of /api/v1 (SPEC §3.1). */
const document = {
  openapi: "3.1.0",
  info: {
    title: "paystatus integration API",
    version: "1.0.0",
    description: "Bearer tokens are issued with `npm run staff -- token EMAIL` and act with that staff member's scope; a disabled staff member's tokens stop working.",
  },
  servers: [{ url: "/api/v1" }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Token printed once by `npm run staff -- token EMAIL`." } },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: { type: "string", enum: ["unauthorized", "forbidden", "invalid_receipt_no", "invalid_request", "payload_too_large", "not_found", "internal_error"] },
          reason: { type: "string", enum: ["invalid", "mistyped"], description: "For invalid_receipt_no: malformed, or a failed check digit." },
          error_id: { type: "string", description: "For internal_error: quote it to the operator." },
          errors: {
            type: "array",
            description: "For invalid_request: what is wrong, by item (index in the batch, -1 for the whole body) and field. Values are never echoed.",
            items: {
              type: "object",
              required: ["field", "code"],
              properties: { index: { type: "integer" }, field: { type: "string" }, code: { type: "string", examples: ["invalid_type", "too_small", "mistyped", "duplicate_in_batch", "unknown"] } },
            },
          },
        },
      },
      WechatTransaction: {
        type: "object",
        description: "The plain text of a WeChat Pay notification's `resource` (AEAD_AES_256_GCM with WECHATPAY_APIV3_KEY; ciphertext base64 with the 16-byte tag at the end, nonce and associated_data as sent).",
        required: ["out_trade_no", "transaction_id", "trade_state", "success_time", "amount"],
        properties: {
          out_trade_no: { type: "string", maxLength: 64, description: "The merchant order number: the receipt number unless channels.order_no_pattern says otherwise." },
          transaction_id: { type: "string", maxLength: 64, description: "微信支付订单号: one confirmation per transaction id." },
          trade_state: { type: "string", description: "SUCCESS is stored; any other state is acknowledged (204) and not stored." },
          success_time: { type: "string", format: "date-time", examples: ["2026-11-04T10:34:50+08:00"], description: "RFC 3339 with an offset." },
          amount: { type: "object", required: ["total"], properties: { total: { type: "integer", minimum: 1, description: "Order amount in fen (what the receipt is for)." }, payer_total: { type: "integer" }, currency: { type: "string", examples: ["CNY"] } } },
        },
      },
      WechatFailure: {
        type: "object",
        required: ["code", "message"],
        description: "What WeChat Pay expects with a 4xx/5xx: it retries later.",
        properties: { code: { const: "FAIL" }, message: { type: "string" } },
      },
      Ticket: {
        type: "object",
        required: ["ref", "status", "queue", "category", "receipt_no", "priority", "due_at"],
        properties: {
          ref: { type: "string", pattern: "^T-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$" },
          status: { type: "string", enum: [...TICKET_STATUSES] },
          queue: { type: "string", enum: [...TICKET_QUEUES] },
          category: { type: "string", enum: [...TICKET_CATEGORIES] },
          receipt_no: { type: ["string", "null"] },
          priority: { type: "integer", minimum: 1, maximum: 3, description: "1 = money or time at risk for the resident." },
          due_at: { type: ["string", "null"], format: "date-time", description: "SLA deadline (business days on the service calendar); null while waiting on settlement." },
        },
      },
      TicketPage: {
        type: "object",
        required: ["tickets", "next_cursor"],
        properties: {
          tickets: { type: "array", items: { $ref: "#/components/schemas/Ticket" } },
          next_cursor: { type: ["string", "null"], description: "Pass as `cursor` for the next page; null on the last page." },
        },
      },
      PushedReceipt: {
        type: "object",
        description: "The receipts CSV's columns (SPEC §3.4), amounts in integer fen.",
        required: ["receipt_no", "service", "payer_name", "amount_due_fen", "channel", "billing_status"],
        properties: {
          receipt_no: { type: "string" },
          service: { type: "string", description: "A known service code (hukou, medical_insurance, tax, other…)." },
          payer_name: { type: "string", maxLength: 200 },
          payer_phone: { type: ["string", "null"], maxLength: 40 },
          amount_due_fen: { type: "integer", minimum: 0 },
          amount_paid_fen: { type: ["integer", "null"], minimum: 0 },
          channel: { type: "string", description: "A known channel code (counter, online_bank, wechat, alipay, pos, cash…)." },
          paid_at: { type: ["string", "null"], format: "date-time", description: "ISO 8601 with a UTC offset." },
          bank_ref: { type: ["string", "null"], maxLength: 100 },
          billing_status: { type: "string", enum: [...BILLING_STATUSES] },
        },
      },
      PushResult: {
        type: "object",
        required: ["results"],
        properties: {
          results: {
            type: "array",
            items: {
              type: "object",
              required: ["receipt_no", "outcome"],
              properties: {
                receipt_no: { type: "string", description: "Normalised." },
                outcome: {
                  type: "string",
                  enum: ["inserted", "updated", "unchanged", "stale"],
                  description: "stale: the store already holds a later state of this receipt (e.g. paid), which an older one never overwrites.",
                },
              },
            },
          },
        },
      },
      ReceiptStatus: {
        type: "object",
        required: ["receipt_no", "code", "expected_date", "amounts"],
        properties: {
          receipt_no: { type: "string", description: "Normalised receipt number." },
          code: { type: "string", enum: [...STATUS_CODES] },
          expected_date: { type: ["string", "null"], format: "date", description: "Expected posting date (service time zone) for pending and overdue; otherwise null." },
          amounts: {
            type: "object",
            required: ["due_fen", "paid_fen"],
            properties: {
              due_fen: { type: "integer", description: "Amount due in fen (1/100 yuan)." },
              paid_fen: { type: ["integer", "null"], description: "Amount paid in fen, as reported by the billing system." },
              settled_fen: { type: "integer", description: "Amount settled by the bank, present once settlement lines are matched." },
            },
          },
        },
      },
    },
  },
  paths: {
    "/tickets/{ref}": {
      get: {
        operationId: "getTicket",
        summary: "One ticket. Agents' tokens see their own queues only; another queue's ticket is 404, like an unknown one.",
        parameters: [{ name: "ref", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "Ticket", content: { "application/json": { schema: { $ref: "#/components/schemas/Ticket" } } } },
          "401": { description: "Missing, unknown or revoked token", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "404": { description: "No such ticket in your scope", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "500": { description: "Unexpected error (with error_id)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
        },
      },
    },
    "/tickets": {
      get: {
        operationId: "listTickets",
        summary: "Tickets in id order, keyset paginated. Agents' tokens list their own queues; naming another queue is 403.",
        parameters: [
          { name: "queue", in: "query", schema: { type: "string", enum: [...TICKET_QUEUES] } },
          { name: "status", in: "query", schema: { type: "string", enum: [...TICKET_STATUSES] } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
          { name: "cursor", in: "query", schema: { type: "string" }, description: "next_cursor of the previous page." },
        ],
        responses: {
          "200": { description: "A page", content: { "application/json": { schema: { $ref: "#/components/schemas/TicketPage" } } } },
          "400": { description: "Invalid query (errors)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "401": { description: "Missing, unknown or revoked token", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "403": { description: "Queue outside the token's scope", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "500": { description: "Unexpected error (with error_id)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
        },
      },
    },
    "/receipts": {
      post: {
        operationId: "pushReceipts",
        summary: `Billing system push: one receipt, or { "receipts": [...] } with up to ${MAX_PUSH}, all or nothing. Admin tokens only. Idempotent on receipt_no. Audited.`,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  { $ref: "#/components/schemas/PushedReceipt" },
                  { type: "object", required: ["receipts"], properties: { receipts: { type: "array", minItems: 1, maxItems: MAX_PUSH, items: { $ref: "#/components/schemas/PushedReceipt" } } } },
                ],
              },
            },
          },
        },
        responses: {
          "200": { description: "What happened to each receipt", content: { "application/json": { schema: { $ref: "#/components/schemas/PushResult" } } } },
          "400": { description: "Invalid body (errors, by item and field)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "401": { description: "Missing, unknown or revoked token", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "403": { description: "Not an admin token", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "413": { description: "Body over 1 MB", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "415": { description: "Not application/json", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "500": { description: "Unexpected error (with error_id)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
        },
      },
    },
    "/receipts/{no}/status": {
      get: {
        operationId: "getReceiptStatus",
        summary: "Payment status of one receipt, derived now (SPEC §2.1).",
        parameters: [{ name: "no", in: "path", required: true, schema: { type: "string" }, description: "Receipt number; spaces, hyphens and full-width digits are normalised." }],
        responses: {
          "200": { description: "Status", content: { "application/json": { schema: { $ref: "#/components/schemas/ReceiptStatus" } } } },
          "400": { description: "Not a valid receipt number", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "401": { description: "Missing, unknown or revoked token", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "404": { description: "No such receipt", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "500": { description: "Unexpected error (with error_id)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
        },
      },
    },
    ...channelPaths(),
  },
} as const;

/**
 * Issue 14: the payment channels' notification endpoints. Not bearer-token: each channel signs its
 * messages, and an endpoint is off (404) while its key is unset. Bodies over 64 KiB are refused (413).
 * A retry or duplicate of a transaction already stored is accepted again and adds nothing; a notice of a
 * payment that did not succeed is acknowledged and not stored; a receipt paid on another channel is refused (422).
 */
function channelPaths() {
  const wechatFail = { "application/json": { schema: { $ref: "#/components/schemas/WechatFailure" } } };
  const plain = (example: string) => ({ "text/plain": { schema: { type: "string", examples: [example] } } });
  const acquirerError = { "application/json": { schema: { type: "object", required: ["error"], properties: { error: { type: "string", enum: ["too_large", "missing_headers", "bad_signature", "malformed", "bad_amount", "channel_mismatch", "internal_error"] } } } } };
  return {
    "/channels/wechat/notify": {
      post: {
        operationId: "wechatPayNotify",
        summary: "WeChat Pay API v3 payment notification (支付结果通知).",
        description:
          "Verified with WECHATPAY_PLATFORM_PUBLIC_KEY: `Wechatpay-Signature` is base64 RSA-SHA256 over `Wechatpay-Timestamp\\nWechatpay-Nonce\\nbody\\n`; a timestamp more than 5 minutes off is refused. `resource` is decrypted with WECHATPAY_APIV3_KEY (AEAD_AES_256_GCM); its plain text is a WechatTransaction (components): trade_state SUCCESS with out_trade_no, transaction_id, success_time and amount.total (fen) is stored; another trade_state is acknowledged (204) and not stored. A retry or duplicate of a stored transaction id is accepted again (204) and adds nothing.",
        security: [],
        parameters: [
          { name: "Wechatpay-Signature", in: "header", required: true, description: "base64 RSA-SHA256 (PKCS#1 v1.5) by the platform key.", schema: { type: "string" } },
          { name: "Wechatpay-Timestamp", in: "header", required: true, description: "Unix seconds; more than 300 s from our clock is refused (401).", schema: { type: "string", pattern: "^\\d{1,12}$" } },
          { name: "Wechatpay-Nonce", in: "header", required: true, schema: { type: "string" } },
          { name: "Wechatpay-Serial", in: "header", required: true, description: "Serial of the platform key (must be present).", schema: { type: "string" } },
          { name: "Wechatpay-Signature-Type", in: "header", required: false, schema: { type: "string", examples: ["WECHATPAY2-SHA256-RSA2048"] } },
        ],
        requestBody: { required: true, content: { "application/json": { schema: { type: "object", required: ["resource"], properties: { id: { type: "string" }, event_type: { type: "string" }, resource: { type: "object", required: ["algorithm", "ciphertext", "nonce"], properties: { algorithm: { const: "AEAD_AES_256_GCM" }, ciphertext: { type: "string" }, nonce: { type: "string" }, associated_data: { type: "string" } } } } } } } },
        responses: {
          "204": { description: "Accepted, no body (WeChat Pay stops retrying): stored, a retry or duplicate of a stored transaction, or an authentic notice of a payment that did not succeed" },
          "400": { description: "Malformed, undecryptable, or an invalid amount", content: wechatFail },
          "401": { description: "Missing headers, bad signature or stale timestamp", content: wechatFail },
          "404": { description: "Channel not configured" },
          "413": { description: "Body over 64 KiB", content: wechatFail },
          "422": { description: "The receipt was paid on another channel", content: wechatFail },
          "500": { description: "Unexpected error; WeChat Pay retries", content: wechatFail },
        },
      },
    },
    "/channels/alipay/notify": {
      post: {
        operationId: "alipayNotify",
        summary: "Alipay asynchronous notification (异步通知), RSA2.",
        description:
          "Form-encoded. Verified with ALIPAY_PUBLIC_KEY: RSA-SHA256 over all parameters but sign, sign_type and empty ones, sorted by key, `k=v` joined with `&`. trade_status TRADE_SUCCESS or TRADE_FINISHED with out_trade_no, trade_no, total_amount (yuan, ≤ 2 decimals) and gmt_payment (Beijing time) is stored; another trade_status (e.g. TRADE_CLOSED, WAIT_BUYER_PAY) is acknowledged (`success`) and not stored. A parameter given twice is malformed. A retry or duplicate of a stored trade_no is accepted again and adds nothing.",
        security: [],
        requestBody: { required: true, content: { "application/x-www-form-urlencoded": { schema: { type: "object", required: ["sign", "trade_status", "out_trade_no", "trade_no", "total_amount", "gmt_payment"], properties: { sign: { type: "string", description: "base64 RSA-SHA256 by Alipay's key." }, sign_type: { const: "RSA2" }, trade_status: { type: "string", examples: ["TRADE_SUCCESS"] }, out_trade_no: { type: "string", maxLength: 64, description: "The merchant order number: the receipt number unless channels.order_no_pattern says otherwise." }, trade_no: { type: "string", maxLength: 64, description: "支付宝交易号: one confirmation per trade_no." }, total_amount: { type: "string", pattern: "^\\d+(\\.\\d{1,2})?$", examples: ["25.00"] }, gmt_payment: { type: "string", examples: ["2026-11-04 10:34:50"] }, notify_id: { type: "string" }, notify_time: { type: "string" }, app_id: { type: "string" }, charset: { type: "string", examples: ["utf-8"] } } } } } },
        responses: {
          "200": { description: "Accepted: the plain text `success` (Alipay stops retrying): stored, a retry or duplicate, or a trade that did not succeed", content: plain("success") },
          "400": { description: "Not a form, malformed, or an invalid amount: `fail`", content: plain("fail") },
          "401": { description: "Missing or bad signature: `fail`", content: plain("fail") },
          "404": { description: "Channel not configured" },
          "413": { description: "Body over 64 KiB: `fail`", content: plain("fail") },
          "422": { description: "The receipt was paid on another channel: `fail`", content: plain("fail") },
          "500": { description: "Unexpected error: `fail` (Alipay retries)", content: plain("fail") },
        },
      },
    },
    "/channels/acquirer/notify": {
      post: {
        operationId: "acquirerNotify",
        summary: "UnionPay / POS acquirer payment notification.",
        description:
          "`X-Signature` is the lowercase hex HMAC-SHA256 of the raw body bytes with ACQUIRER_NOTIFY_SECRET (a `sha256=` prefix is accepted; compared in constant time). Confirms receipts whose channel is `pos`. A retry or duplicate of a stored transaction_id is accepted again and adds nothing.",
        security: [],
        parameters: [{ name: "X-Signature", in: "header", required: true, schema: { type: "string", pattern: "^(sha256=)?[0-9a-f]{64}$" } }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["transaction_id", "out_trade_no", "amount", "paid_at"],
                properties: {
                  transaction_id: { type: "string", maxLength: 64 },
                  out_trade_no: { type: "string", maxLength: 64, description: "The merchant order number: the receipt number unless channels.order_no_pattern says otherwise." },
                  amount: { type: "string", pattern: "^\\d+(\\.\\d{1,2})?$", examples: ["25.00"], description: "Yuan as a string (never a JSON number)." },
                  paid_at: { type: "string", format: "date-time", examples: ["2026-11-04T10:34:50+08:00"] },
                  terminal_id: { type: "string", maxLength: 64 },
                  batch_id: { type: "string", maxLength: 64 },
                },
              },
            },
          },
        },
        responses: {
          "200": { description: "Accepted (also a retry or duplicate: nothing added); anything else is retried by the acquirer", content: { "application/json": { schema: { type: "object", required: ["result"], properties: { result: { const: "ok" } } } } } },
          "400": { description: "Malformed JSON or an invalid amount", content: acquirerError },
          "401": { description: "Missing or bad signature", content: acquirerError },
          "404": { description: "Channel not configured" },
          "413": { description: "Body over 64 KiB", content: acquirerError },
          "422": { description: "The receipt was paid on another channel", content: acquirerError },
          "500": { description: "Unexpected error; retry", content: acquirerError },
        },
      },
    },
  };
}

export function GET() {
  return Response.json(document);
}
