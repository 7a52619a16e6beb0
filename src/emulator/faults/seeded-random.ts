// A small seedable random source (mulberry32), so a fault share such as "30% of requests answer
// 500" picks the same requests in every run with the same seed. Not for anything secret.

export type RandomSource = () => number;

/** Returns numbers in [0, 1), the same sequence for the same 32-bit seed. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
