/** Types of scripts/http-server.mjs (plain JavaScript so it runs on bare Node). */
export declare const SOCKET_ADDRESS_HEADER: string;
export declare function scrubQueryStrings(text: string): string;
