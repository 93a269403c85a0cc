export declare const REQUEST_ID_HEADER: "x-request-id";
export declare const REQUEST_CONTEXT: unique symbol;
export declare function isSaneRequestId(value: string | null | undefined): value is string;
export declare function newRequestId(): string;
export declare function requestIdFrom(incoming: string | null | undefined): string;
