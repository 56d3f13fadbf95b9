// Label selectors, built rather than concatenated: matchers sorted so the same arguments give the same string.

export type LabelMatcher = string | { readonly ne: string } | { readonly re: string };
export type LabelMatchers = Readonly<Record<string, LabelMatcher | undefined>>;

/** Escapes a PromQL string literal (double-quoted). */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `{a="x",b!="",c=~"re"}` with matchers sorted by label name; undefined matchers are left out. */
export function labelSelector(matchers: LabelMatchers): string {
  const parts = Object.keys(matchers)
    .sort()
    .flatMap((name) => {
      const m = matchers[name];
      if (m === undefined) return [];
      if (typeof m === 'string') return [`${name}=${quote(m)}`];
      return 'ne' in m ? [`${name}!=${quote(m.ne)}`] : [`${name}=~${quote(m.re)}`];
    });
  return `{${parts.join(',')}}`;
}

/** `by (a, b)`, in the order given: grouping order is meaningful to readers, not to Prometheus. */
export function byClause(labels: readonly string[]): string {
  return `by (${labels.join(', ')})`;
}
