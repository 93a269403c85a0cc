import { describe, expect, it } from "vitest";
import { closeDb, openDatabase, replaceDbHandle } from "@/db/client";
import { setupTestDatabase } from "@/db/testing/test-db";
import { GET } from "./route";

const { handle } = setupTestDatabase();

describe("/api/health", () => {
  it("answers 200 ok while the database answers", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", db: "ok" });
  });

  it("answers 503 when the database is unreachable, without details", async () => {
    const working = handle();
    // Nothing listens on port 1: connection refused at once.
    replaceDbHandle(openDatabase({ url: "postgres://nobody@127.0.0.1:1/none" }));
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "degraded", db: "down" });
    await closeDb();
    replaceDbHandle(working);
  });
});

