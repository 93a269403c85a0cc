import { describe, expect, it } from "vitest";
import { APP_ERROR_CODES, AppError, errorMessage, httpStatusOf, type AppErrorCode } from "./errors";
import { messages } from "./i18n";
import { refusalOf } from "./log";

describe("AppError codes", () => {
  it.each<[AppErrorCode, number, string, string]>([
    ["unauthorized", 401, "登录已失效，请重新登录。", "Your session has ended. Sign in again."],
    ["forbidden", 403, "您没有权限执行此操作。", "You are not allowed to do that."],
    ["not_found", 404, "找不到该账号。", "That account no longer exists."],
    ["invalid", 400, "提交的内容不正确。", "Something in the form is not valid."],
    ["conflict", 409, "该项已存在。", "That already exists."],
    ["self_change", 409, "不能停用自己的账号或修改自己的角色。", "You cannot disable your own account or change your own role."],
    ["refused", 409, "操作未完成：内容已有变化，请刷新页面后重试。", "That could not be done: something changed meanwhile. Reload the page and try again."],
    ["rate_limited", 429, "尝试次数过多，请稍后再试。", "Too many attempts. Try again in a few minutes."],
    ["error", 500, "系统暂时无法处理，请稍后再试。参考编号：a1b2c3", "We could not do that just now. Try again later. Reference: a1b2c3"],
  ])("%s → HTTP %i, zh-CN and en", (code, status, zh, en) => {
    expect(httpStatusOf(code)).toBe(status);
    expect(errorMessage(messages("zh-CN"), code, "a1b2c3")).toBe(zh);
    expect(errorMessage(messages("en"), code, "a1b2c3")).toBe(en);
  });

  it("the table covers every code", () => {
    expect(APP_ERROR_CODES).toHaveLength(9);
  });
});

describe("refusalOf", () => {
  it.each<[string, unknown, object]>([
    ["an AppError keeps its code", new AppError("forbidden"), { code: "forbidden" }],
    ["and the rule behind a refusal", new AppError("refused", "stale"), { code: "refused", reason: "stale" }],
  ])("%s", (_name, error, refusal) => {
    expect(refusalOf(error, "test_failure")).toEqual(refusal);
  });

  it.each([new Error("connection reset"), "boom"])("anything else (%s) is `error` with the id of its log line", (error) => {
    const refusal = refusalOf(error, "test_failure");
    expect(refusal.code).toBe("error");
    expect(refusal.errorId).toMatch(/^[0-9a-f]{12}$/);
  });
});
