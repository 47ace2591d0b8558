import { defineConfig } from "vitest/config";

// Three suites: unit (pure functions, fast), e2e (real servers on loopback, real SQLite, real Chromium),
// faults (real misbehaving servers, killed processes, damaged files). `npm test` runs unit + e2e; CI also runs faults.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["tests/unit/**/*.test.ts"], testTimeout: 20_000 } },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "faults",
          include: ["tests/faults/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
