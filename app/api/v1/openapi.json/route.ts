import { STATUS_CODES } from "@/lib/status";

export const dynamic = "force-static";

/** OpenAPI 3.1 description of what /api/v1 serves today (tickets endpoints arrive with tickets). */
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
          error: { type: "string", enum: ["unauthorized", "forbidden", "invalid_receipt_no", "not_found", "internal_error"] },
          reason: { type: "string", enum: ["invalid", "mistyped"], description: "For invalid_receipt_no: malformed, or a failed check digit." },
          error_id: { type: "string", description: "For internal_error: quote it to the operator." },
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
