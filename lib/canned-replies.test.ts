import { describe, expect, it } from "vitest";
import { CANNED_REPLIES, CANNED_REPLY_IDS, cannedReplyText, isCannedReplyId } from "./canned-replies";

describe("canned replies", () => {
  it.each(CANNED_REPLY_IDS)("%s exists in both languages, and Chinese text is Chinese", (id) => {
    const reply = CANNED_REPLIES[id];
    for (const text of [reply.title["zh-CN"], reply.title.en, reply.body["zh-CN"], reply.body.en]) expect(text.trim().length).toBeGreaterThan(1);
    expect(reply.body["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
    expect(reply.body.en).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it.each([
    ["en", "en"],
    ["zh-CN", "zh-CN"],
    ["fr", "zh-CN"],
  ] as const)("a ticket in %s gets the %s text", (ticketLocale, textLocale) => {
    expect(cannedReplyText("posted_now", ticketLocale)).toBe(CANNED_REPLIES.posted_now.body[textLocale]);
  });

  it("recognises only its own ids", () => {
    expect(isCannedReplyId("need_proof")).toBe(true);
    expect(isCannedReplyId("toString")).toBe(false);
    expect(isCannedReplyId(undefined)).toBe(false);
  });
});
