import { createHmac } from "node:crypto";
import { DEMO_RECEIPT_NUMBERS } from "@/db/seed/demo-receipts";
import { E2E_SECRETS } from "../playwright.config";

export { DEMO_RECEIPT_NUMBERS as demo };

/** The SPEC §3.2 token, computed independently of the app's own code. */
export function tokenFor(receiptNo: string, secret = E2E_SECRETS.RECEIPT_LINK_SECRET): string {
  return createHmac("sha256", secret).update(`r1:${receiptNo}`).digest("base64url").slice(0, 22);
}

export const qrPath = (receiptNo: string) => `/r/${receiptNo}?t=${tokenFor(receiptNo)}`;
