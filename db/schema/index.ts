export * from "./audit";
export * from "./calendar";
export * from "./rate-limits";
export * from "./receipts";
export * from "./settlements";
export * from "./staff";
export * from "./tickets";
