// Which rows of a long list to render: those in the viewport plus an overscan, with spacers standing in for the
// rest (a windowed list, so 1 000 tap rows cost as much to draw as the ~25 on screen). Rows share one height; a few
// (expanded ones) add a measured extra height below themselves.

export interface WindowArgs {
  readonly count: number;
  readonly rowHeight: number;
  /** Extra height below row i (its expanded details), 0 for most. */
  readonly extra: (index: number) => number;
  readonly scrollTop: number;
  readonly viewportHeight: number;
  /** Rows rendered beyond each edge of the viewport. */
  readonly overscan: number;
}

export interface WindowRange {
  /** First row rendered. */
  readonly start: number;
  /** One past the last row rendered. */
  readonly end: number;
  /** Height of the rows above `start` (the top spacer). */
  readonly before: number;
  /** Height of the rows from `end` on (the bottom spacer). */
  readonly after: number;
  readonly total: number;
}

export function windowRange({ count, rowHeight, extra, scrollTop, viewportHeight, overscan }: WindowArgs): WindowRange {
  let y = 0;
  let start = -1;
  let end = count;
  let before = 0;
  let afterStart = 0;
  for (let i = 0; i < count; i += 1) {
    const bottom = y + rowHeight + extra(i);
    if (start < 0 && bottom > scrollTop) {
      start = Math.max(0, i - overscan);
      before = start === i ? y : offsetOf(start, rowHeight, extra);
    }
    if (start >= 0 && end === count && y >= scrollTop + viewportHeight) {
      end = Math.min(count, i + overscan);
      afterStart = end === i ? y : offsetOf(end, rowHeight, extra);
    }
    y = bottom;
  }
  if (start < 0) {
    // Scrolled past the end (the list shrank): show the last rows.
    start = Math.max(0, count - overscan);
    before = offsetOf(start, rowHeight, extra);
  }
  if (end === count) afterStart = y;
  return { start, end, before, after: y - afterStart, total: y };
}

/** The top of row `index`. */
export function offsetOf(index: number, rowHeight: number, extra: (index: number) => number): number {
  let y = 0;
  for (let i = 0; i < index; i += 1) y += rowHeight + extra(i);
  return y;
}
