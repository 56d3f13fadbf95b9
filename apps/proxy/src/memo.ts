// A bounded memo for pure functions of strings that the hot path asks about again and again (a mesh names few
// authorities). Past `max` distinct keys it forgets everything: a client cycling through names only refills it.

export function memoize<V>(fn: (key: string) => V, max = 1024): (key: string) => V {
  const seen = new Map<string, V>();
  return (key) => {
    let v = seen.get(key);
    if (v === undefined && !seen.has(key)) {
      if (seen.size >= max) seen.clear();
      seen.set(key, (v = fn(key)));
    }
    return v as V;
  };
}
