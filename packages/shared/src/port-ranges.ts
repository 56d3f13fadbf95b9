// Port lists as Linkerd writes them in `--skip-inbound-ports` and its `config.linkerd.io/skip-inbound-ports`
// annotation: `25,3306,8000-8010`, each entry a port or an inclusive range.
import * as z from 'zod';

const PORT_RANGE = /^(\d{1,5})(?:-(\d{1,5}))?$/;

/** `8000-8010` → [8000, 8010], `3306` → [3306, 3306]; null when the entry is neither. */
export function portRangeBounds(entry: string): readonly [number, number] | null {
  const m = PORT_RANGE.exec(entry);
  if (!m) return null;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 1 && hi <= 65535 && lo <= hi ? [lo, hi] : null;
}

/** `3306` or `8000-8010`. */
export const portRangeSchema = z.string().refine((v) => portRangeBounds(v) !== null, { message: 'expected a port or a range like 8000-8010' });

/** `25,3306, 8000-8010` → `['25', '3306', '8000-8010']`; throws naming the first bad entry. */
export function parsePortRanges(value: string): string[] {
  const entries = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const bad = entries.find((p) => portRangeBounds(p) === null);
  if (bad !== undefined) throw new Error(`"${bad}" is not a port or a range like 8000-8010`);
  return entries;
}

/** The entries of a list that are ports or ranges, the rest dropped: how Linkerd reads its port annotations. */
export function validPortRanges(value: string): string[] {
  return value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => portRangeBounds(p) !== null);
}

export function portInRanges(port: number, ranges: readonly string[]): boolean {
  return ranges.some((r) => {
    const b = portRangeBounds(r);
    return b !== null && port >= b[0] && port <= b[1];
  });
}
