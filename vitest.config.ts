import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = {
  "@": fileURLToPath(new URL("./", import.meta.url)),
  // `server-only` throws outside the React server graph; tests run on the server side by definition.
  "server-only": fileURLToPath(new URL("./db/testing/server-only-stub.ts", import.meta.url)),
};

export default defineConfig({
  test: {
    projects: [
      // *.db.test.ts outside db/ and app/ (the worker loop in scripts/) need the database, so they run with the integration tests.
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.db.test.ts", "**/node_modules/**"],
          environment: "node",
          // Some unit tests start worker threads and child processes: on a loaded 2-core machine 5 s is not enough.
          testTimeout: 30_000,
          maxWorkers: 2,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["db/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.db.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ["db/testing/global-setup.ts"],
          setupFiles: ["db/testing/property-seed.ts"],
          // Each file has a database of its own (a copy of the run's migrated template), so files run side by side:
          // Vitest's default on 2 cores is one worker.
          maxWorkers: 2,
        },
      },
    ],
  },
});
