import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { channelConfirmations, channels, receipts } from "@/db/schema";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import type { ChannelPayment } from "@/lib/channels";
import { recordConfirmation } from "./channel-confirmations";

const { handle } = setupTestDatabase();

let seq = 0;
async function receipt(channel: "wechat" | "alipay" | "pos", amountDueFen = 38000) {
  const receiptNo = `20261203${String(++seq).padStart(6, "0")}${databaseKind().length}0`;
  await handle().db.insert(receipts).values({ receiptNo, service: "hukou", payerName: "张三", amountDueFen, amountPaidFen: amountDueFen, channel, paidAt: new Date(), billingStatus: "paid" });
  return receiptNo;
}

const payment = (channel: ChannelPayment["channel"], outTradeNo: string, amountFen = 38000): ChannelPayment => ({
  channel,
  transactionId: `T${databaseKind()}${++seq}`,
  outTradeNo,
  amountFen,
  paidAt: new Date("2026-12-03T02:00:00Z"),
  terminalId: channel === "acquirer" ? "T0012" : null,
  batchId: null,
});

const row = async (p: ChannelPayment) => (await handle().db.select().from(channelConfirmations).where(eq(channelConfirmations.transactionId, p.transactionId)))[0];
const setPattern = (code: string, pattern: string | null) => handle().db.update(channels).set({ orderNoPattern: pattern }).where(eq(channels.code, code));

describe(`recordConfirmation (one statement) on ${databaseKind()}`, () => {
  it("records, links, flags a different amount, refuses another channel's receipt and adds nothing for a duplicate", async () => {
    const wechat = await receipt("wechat");
    const pos = await receipt("pos", 12050);

    const linked = payment("wechat", wechat);
    expect(await recordConfirmation(linked)).toMatchObject({ kind: "recorded", linked: true, amountDiffers: false });
    expect(await recordConfirmation(linked)).toEqual({ kind: "duplicate" });
    expect(await row(linked)).toMatchObject({ receiptNo: wechat, outTradeNo: wechat, amountFen: 38000, paidAt: new Date("2026-12-03T02:00:00Z") });

    const differs = payment("acquirer", pos, 12000);
    expect(await recordConfirmation(differs)).toMatchObject({ kind: "recorded", linked: true, amountDiffers: true });
    expect(await row(differs)).toMatchObject({ receiptNo: pos, terminalId: "T0012", batchId: null });

    const unknown = payment("alipay", "20269999999999990");
    expect(await recordConfirmation(unknown)).toMatchObject({ kind: "recorded", linked: false, amountDiffers: false });
    expect(await row(unknown)).toMatchObject({ receiptNo: "20269999999999990" });

    const mismatch = payment("alipay", wechat);
    expect(await recordConfirmation(mismatch)).toEqual({ kind: "refused", reason: "channel_mismatch" });
    expect(await row(mismatch)).toBeUndefined();
  });

  it("follows a change of the channel's order_no_pattern at once (the remembered pattern is only a hint)", async () => {
    const no = await receipt("wechat");
    // Remembers "no pattern" for wechat.
    expect(await recordConfirmation(payment("wechat", no))).toMatchObject({ kind: "recorded", linked: true });

    await setPattern("wechat", String.raw`WX(\d{16})`);
    try {
      const prefixed = payment("wechat", `WX${no}`);
      expect(await recordConfirmation(prefixed)).toMatchObject({ kind: "recorded", linked: true });
      expect(await row(prefixed)).toMatchObject({ outTradeNo: `WX${no}`, receiptNo: no });

      const unmatched = payment("wechat", no);
      expect(await recordConfirmation(unmatched)).toMatchObject({ kind: "recorded", linked: false });
      expect(await row(unmatched)).toMatchObject({ outTradeNo: no, receiptNo: null });
    } finally {
      await setPattern("wechat", null);
    }
    // Back to no pattern: the order number is the receipt number again.
    const plain = payment("wechat", no);
    expect(await recordConfirmation(plain)).toMatchObject({ kind: "recorded", linked: true });
    expect(await row(plain)).toMatchObject({ receiptNo: no });
  });
});
