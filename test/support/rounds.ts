// How many rounds a seeded fuzz test runs. `npm test` runs every round; the quick loop (`npm run test:unit`, which
// sets SPANSCOPE_TEST_QUICK=1) runs the first quarter of them, with the same seeds in the same order, so a round
// that fails in the quick loop fails in the full run too, and the full run still covers the rest.
export function fuzzRounds(full: number): number {
  return process.env.SPANSCOPE_TEST_QUICK === '1' ? Math.max(1, Math.ceil(full / 4)) : full;
}
