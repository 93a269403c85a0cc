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
  },
} as const;

export function GET() {
  return Response.json(document);
}
