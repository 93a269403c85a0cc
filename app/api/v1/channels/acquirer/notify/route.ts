import { ACQUIRER_SIGNATURE_HEADER, verifyAcquirerNotification } from "@/lib/channels";
import { env } from "@/lib/env";
import { channelOff, handleNotification } from "../../notify";

export const dynamic = "force-dynamic";

/** POST /api/v1/channels/acquirer/notify — UnionPay/POS acquirer notification, HMAC-SHA256 hex in X-Signature. 200 {"result":"ok"} = accepted. */
export async function POST(request: Request) {
  const secret = env().ACQUIRER_NOTIFY_SECRET;
  if (!secret) return channelOff();
  return handleNotification("acquirer", request, (body) => verifyAcquirerNotification(request.headers.get(ACQUIRER_SIGNATURE_HEADER), body, secret), {
    ok: () => Response.json({ result: "ok" }, { headers: { "Cache-Control": "no-store" } }),
    fail: (status, code) => Response.json({ error: code }, { status, headers: { "Cache-Control": "no-store" } }),
  });
}
