import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TypedHistogram, type HistogramSeries } from './histogram.js';

const buckets = [1, 2, 5, 10];
const labelsA = { direction: 'outbound', authority: 'a:80', status_code: '200' };
const labelsB = { direction: 'inbound', status_code: '500' };

/** The same observations through prom-client's Histogram and ours must scrape to the same text. */
describe('TypedHistogram', () => {
  it.each<[string, [Record<string, string>, number][]]>([
    ['no observations', []],
    ['one series', [[labelsA, 0.5], [labelsA, 1], [labelsA, 1.5], [labelsA, 7], [labelsA, 11], [labelsA, 1e6]]],
    ['two series, interleaved', [[labelsA, 3], [labelsB, 0.25], [labelsA, 10], [labelsB, 2], [labelsB, 2.000001]]],
  ])('scrapes exactly like prom-client: %s', async (_n, observations) => {
    const theirs = new Registry();
    const reference = new Histogram({ name: 'lat_ms', help: 'h.', labelNames: ['direction', 'authority', 'status_code'], buckets, registers: [theirs] });
    const ours = new Registry();
    const series = new Map<string, HistogramSeries>();
    const histogram = new TypedHistogram({ name: 'lat_ms', help: 'h.', buckets, registers: [ours], series: () => series.values() });
    for (const [labels, v] of observations) {
      reference.observe(labels, v);
      const key = JSON.stringify(labels);
      let s = series.get(key);
      if (!s) series.set(key, (s = histogram.series(labels)));
      s.observe(v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    // JSON too, but for prom-client's exemplar slots (null/undefined; we keep none).
    const strip = (json: unknown) => JSON.parse(JSON.stringify(json, (k, v: unknown) => (k === 'exemplar' ? undefined : v))) as unknown;
    expect(strip(await ours.getMetricsAsJSON())).toEqual(strip(await theirs.getMetricsAsJSON()));
  });
});
