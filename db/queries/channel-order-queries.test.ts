import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderQueryClientsFromConfig } from "@/lib/channels/order-query";
import { db } from "../client";
import { channelOrderQueries, receipts } from "../schema";
import { startFakeChannel } from "../testing/fake-channel";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { recordConfirmation, unsafeConfirmationsForReceipt } from "./channel-confirmations";
import { queryChannelOrders } from "./channel-order-queries";
import { publicStatus } from "./status";

setupTestDatabase();

const TZ = "Asia/Shanghai";
const NOW = new Date();
const MINUTE = 60_000;
let fake: Awaited<ReturnType<typeof startFakeChannel>>;
beforeAll(async () => {
  fake = await startFakeChannel();
});
afterAll(() => fake.close());

const clients = (timeoutMs = 5000) => orderQueryClientsFromConfig(fake.env, timeoutMs);
const unique = () => randomBytes(4).toString("hex").toUpperCase();

async function receipt(channel: "wechat" | "alipay", paidMinutesAgo = 120, billingStatus: "paid" | "sent_to_bank" = "sent_to_bank") {
  const receiptNo = `TEST${unique()}`;
  await db().insert(receipts).values({ receiptNo, service: "hukou", payerName: "测试", amountDueFen: 38000, amountPaidFen: 38000, channel, paidAt: new Date(NOW.getTime() - paidMinutesAgo * MINUTE), billingStatus });
  return receiptNo;
}
const paid = (transactionId: string) => ({ state: "SUCCESS" as const, transactionId, amountFen: 38000, paidAt: new Date(NOW.getTime() - 119 * MINUTE) });

describe(`active order query against a fake channel on 127.0.0.1 (${databaseKind()})`, () => {
  it("asks about waiting receipts past their lock window; a SUCCESS answer is stored as a confirmation, once", async () => {
    const [wxPaid, wxNotPaid, aliPaid, inLock] = [await receipt("wechat"), await receipt("wechat"), await receipt("alipay"), await receipt("wechat", 10)];
    await receipt("wechat", 300, "paid"); // unknown to the channel: not_found
    const wxTxn = `4200${unique()}${unique()}`;
    const aliTxn = `2026120322001${unique()}`;
    fake.orders.wechat.set(wxPaid, paid(wxTxn));
    fake.orders.wechat.set(wxNotPaid, { ...paid(`4200${unique()}`), state: "NOTPAY" });
    fake.orders.wechat.set(inLock, paid(`4200${unique()}`));
    fake.orders.alipay.set(aliPaid, paid(aliTxn));

    expect(await queryChannelOrders(NOW, clients())).toEqual({ asked: 4, confirmed: 2, notPaid: 1, notFound: 1, errors: 0 });
    expect(fake.requests.refused).toBe(0);
    expect((await unsafeConfirmationsForReceipt(wxPaid)).map((c) => [c.channel, c.transactionId, c.amountFen])).toEqual([["wechat", wxTxn, 38000]]);
    expect((await unsafeConfirmationsForReceipt(aliPaid)).map((c) => [c.channel, c.transactionId])).toEqual([["alipay", aliTxn]]);
    expect(await unsafeConfirmationsForReceipt(inLock)).toEqual([]);
    // The status page now shows the channel's confirmation, exactly as after a notification.
    expect((await publicStatus(wxPaid, { now: NOW, timeZone: TZ }))?.confirmation?.channel).toBe("wechat");
    // The channel's own notification arriving afterwards adds nothing.
    expect(await recordConfirmation({ channel: "wechat", transactionId: wxTxn, outTradeNo: wxPaid, amountFen: 38000, paidAt: paid(wxTxn).paidAt, terminalId: null, batchId: null })).toEqual({ kind: "duplicate" });

    // Nothing is asked again within the pause; after it, only the two still waiting without a confirmation.
    expect((await queryChannelOrders(NOW, clients())).asked).toBe(0);
    const later = new Date(NOW.getTime() + 31 * MINUTE);
    expect(await queryChannelOrders(later, clients())).toEqual({ asked: 3, confirmed: 1, notPaid: 1, notFound: 1, errors: 0 }); // inLock is past its window now
    const outcomes = (await db().select({ outcome: channelOrderQueries.outcome }).from(channelOrderQueries)).map((q) => q.outcome).sort();
    expect(outcomes).toEqual(["not_found", "not_found", "not_paid", "not_paid", "success", "success", "success"]);
  });

  it("bounded: at most maxQueries a run", async () => {
    const nos = [await receipt("wechat"), await receipt("wechat"), await receipt("wechat")];
    const run = await queryChannelOrders(NOW, clients(), { maxQueries: 2 });
    expect(run.asked).toBe(2);
    const asked = await db().select({ receiptNo: receipts.receiptNo }).from(channelOrderQueries).innerJoin(receipts, eq(receipts.id, channelOrderQueries.receiptId));
    expect(asked.filter((a) => nos.includes(a.receiptNo))).toHaveLength(2);
  });

  it("an answer whose signature does not verify is never a payment; a channel that hangs is cut off by the timeout", async () => {
    const no = await receipt("wechat");
    const ali = await receipt("alipay");
    fake.orders.wechat.set(no, paid(`4200${unique()}`));
    fake.orders.alipay.set(ali, paid(`2026120322001${unique()}`));
    fake.faults.tamper = true;
    const run = await queryChannelOrders(NOW, clients());
    fake.faults.tamper = false;
    // The two above, and the one left over from the bounded test (an unknown order: its 404 is signed as sent).
    expect(run).toEqual({ asked: 3, confirmed: 0, notPaid: 0, notFound: 1, errors: 2 });
    expect(await unsafeConfirmationsForReceipt(no)).toEqual([]);
    expect(await unsafeConfirmationsForReceipt(ali)).toEqual([]);

    const slow = await receipt("wechat");
    fake.faults.hang = true;
    const started = Date.now();
    const hung = await queryChannelOrders(NOW, clients(300));
    fake.faults.hang = false;
    expect(hung).toMatchObject({ asked: 1, errors: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
    const [q] = await db().select({ outcome: channelOrderQueries.outcome }).from(channelOrderQueries).innerJoin(receipts, eq(receipts.id, channelOrderQueries.receiptId)).where(eq(receipts.receiptNo, slow));
    expect(q?.outcome).toBe("error");
  });

  it("off while no channel's query URL is set", async () => {
    await receipt("wechat");
    expect(orderQueryClientsFromConfig({})).toEqual([]);
    expect(await queryChannelOrders(NOW, [])).toEqual({ asked: 0, confirmed: 0, notPaid: 0, notFound: 0, errors: 0 });
  });
});
