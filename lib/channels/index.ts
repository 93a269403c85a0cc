export * from "./types";
export * from "./keys";
export * from "./order-no";
export { verifyWechatNotification, wechatFailure, decryptResource, signWechatNotification, MAX_CLOCK_SKEW_SECONDS, type WechatKeys } from "./wechat";
export { verifyAlipayNotification, alipaySigningString, signAlipayNotification, yuanString, type AlipayKeys } from "./alipay";
export { verifyAcquirerNotification, acquirerSignature, ACQUIRER_SIGNATURE_HEADER } from "./acquirer";
