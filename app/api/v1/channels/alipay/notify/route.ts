import { parsePublicKey, verifyAlipayNotification } from "@/lib/channels";
import { env } from "@/lib/env";
import { channelOff, handleNotification } from "../../notify";

export const dynamic = "force-dynamic";

const text = (status: number, body: string) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

/** POST /api/v1/channels/alipay/notify — Alipay asynchronous notification (RSA2). Plain `success` = accepted; anything else = retry. */
export async function POST(request: Request) {
  const config = env();
  if (!config.ALIPAY_PUBLIC_KEY) return channelOff();
  const keys = { alipayPublicKey: parsePublicKey(config.ALIPAY_PUBLIC_KEY) };
  return handleNotification("alipay", request, (body) => verifyAlipayNotification(body, keys), {
    ok: () => text(200, "success"),
    fail: (status) => text(status, "fail"),
  });
}
