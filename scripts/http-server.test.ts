import { describe, expect, it } from "vitest";
import { SOCKET_ADDRESS_HEADER as APP_HEADER } from "@/lib/rate-limit";
import { scrubQueryStrings, SOCKET_ADDRESS_HEADER } from "./http-server.mjs";

describe("scripts/http-server.mjs", () => {
  it("stamps the header the app reads", () => {
    expect(SOCKET_ADDRESS_HEADER).toBe(APP_HEADER);
  });

  it.each([
    ["Request body exceeded 52mb for /r/2026110000000011/ticket?t=AbCdEfGhIjKlMnOpQrStUv", "Request body exceeded 52mb for /r/[receipt]/ticket?[redacted]"],
    ["GET http://127.0.0.1:3000/t/T-AAAA-BBBB/open?k=secret-value 500", "GET http://127.0.0.1:3000/t/T-AAAA-BBBB/open?[redacted] 500"],
    ['{"event":"x","route":"/r/[receipt]"}', '{"event":"x","route":"/r/[receipt]"}'],
    ["no url here? fine", "no url here? fine"],
  ])("scrubs %j", (input, output) => {
    expect(scrubQueryStrings(input)).toBe(output);
  });
});
