import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { verifyLookupProof, verifyReceiptToken } from "@/lib/receipt-link";
import { lookupCookieName } from "./lookup-cookie";

/** Who may see a receipt's status: the holder of its signed QR token, or whoever just looked it up with the right amount. */
export async function receiptAccess(receiptNo: string, token: string | undefined): Promise<{ viaToken: boolean; viaLookup: boolean }> {
  const config = env();
  const viaToken = verifyReceiptToken(config.RECEIPT_LINK_SECRET, receiptNo, token);
  const proof = (await cookies()).get(lookupCookieName)?.value;
  const viaLookup = verifyLookupProof(config.AUTH_SECRET, receiptNo, proof, Date.now());
  return { viaToken, viaLookup };
}
