/** Elder mode (长辈版 / 关怀模式, MIIT elder-friendly rules): remembered in this cookie, "1" when on. */
export const ELDER_COOKIE = "paystatus_elder";
