// The fuzzers' seeded randomness: FUZZ_SEED picks the sequence (printed on failure, so a failing case
// reruns exactly), FUZZ_COUNT scales how many cases run (CI keeps the default, bounded count).

export interface Random {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export const SEED = Number(process.env.FUZZ_SEED ?? 15);

/** How many cases a fuzzer runs: its default, times FUZZ_COUNT when given (e.g. FUZZ_COUNT=10 for a long run). */
export function count(base: number): number {
  return Math.max(1, Math.round(base * Number(process.env.FUZZ_COUNT ?? 1)));
}

/** mulberry32: small, fast and good enough to choose test inputs. */
export function random(seed = SEED): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  return { seed, next, int, pick: (items) => items[int(items.length)], chance: (p) => next() < p };
}
