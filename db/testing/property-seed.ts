import fc from "fast-check";

/**
 * The property tests (db/import/*.property.test.ts) draw random scenarios. On CI they draw the same ones on every
 * run, so that a commit lands or fails on its own merits and not on the draw; elsewhere each run draws anew, which is
 * how new counterexamples are found. PROPERTY_SEED=<n> replays a run (fast-check prints the seed of a failure).
 */
const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : process.env.CI ? 20_261_204 : undefined;
if (seed !== undefined && Number.isSafeInteger(seed)) fc.configureGlobal({ seed });
