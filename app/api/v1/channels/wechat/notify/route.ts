import { parsePublicKey, verifyWechatNotification, wechatFailure } from "@/lib/channels";
import { env } from "@/lib/env";
import { channelOff, handleNotification } from "../../notify";

export const dynamic = "force-dynamic";

const MESSAGES: Record<string, string> = {
  too_large: "body too large",
  missing_headers: "missing Wechatpay-* headers",
  stale_timestamp: "timestamp outside 5 minutes",
  bad_signature: "signature verification failed",
  decrypt_failed: "resource could not be decrypted",
  malformed: "malformed notification",
  bad_amount: "invalid amount",
  channel_mismatch: "order belongs to another payment channel",
  internal_error: "internal error, retry later",
};

/** POST /api/v1/channels/wechat/notify — WeChat Pay API v3 payment notification. 204 = accepted; 4xx/5xx + {"code":"FAIL"} = retry. */
export async function POST(request: Request) {
  const config = env();
  if (!config.WECHATPAY_PLATFORM_PUBLIC_KEY || !config.WECHATPAY_APIV3_KEY) return channelOff();
  const keys = { platformPublicKey: parsePublicKey(config.WECHATPAY_PLATFORM_PUBLIC_KEY), apiV3Key: config.WECHATPAY_APIV3_KEY };
  return handleNotification("wechat", request, (body) => verifyWechatNotification(request.headers, body, keys, new Date()), {
    ok: () => new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } }),
    fail: (status, code) => wechatFailure(status, MESSAGES[code] ?? code),
  });
}
