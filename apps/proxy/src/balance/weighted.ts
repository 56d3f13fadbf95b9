// Traffic split (Linkerd's dst_overrides): one backend per request, chosen at random in proportion to its weight.
// Pure given the random source.

/** Index of the chosen weight (0 weights never chosen); -1 when every weight is 0 or there are none. */
export function pickWeighted(weights: readonly number[], random: () => number = Math.random): number {
  let total = 0;
  for (const w of weights) total += w;
  if (total <= 0) return -1;
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (w <= 0) continue;
    if (r < w) return i;
    r -= w;
  }
  // Float rounding at the top end: the last backend with weight.
  for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return i;
  return -1;
}
