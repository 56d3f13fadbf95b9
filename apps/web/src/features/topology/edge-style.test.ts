import { edgesResultSchema } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { edgeLook, edgeSummary, edgeWidth, securityText, splitLabel, tlsReasonText } from './edge-style';
import edgesJson from './fixtures/demo-edges.json';

const { edges } = edgesResultSchema.parse(edgesJson);
const byDst = (dst: string) => edges.find((e) => e.dst.name === dst)!;

describe('edgeLook', () => {
  it('colours HTTP edges by success rate, with a text badge when failing', () => {
    expect(edgeLook(byDst('authors'))).toMatchObject({ level: 'good', dash: undefined, badge: null });
    expect(edgeLook(byDst('books'))).toMatchObject({ level: 'poor', badge: '⚠ 89.80%' });
    expect(edgeLook(byDst('web'))).toMatchObject({ level: 'warning', badge: '⚠ 94.70%' });
  });

  it('dashes TCP-only edges', () => {
    expect(edgeLook(byDst('cache'))).toMatchObject({ level: 'tcp', dash: '6 4', badge: null });
  });

  it('grows width with RPS on a log scale, within bounds', () => {
    expect(edgeWidth(0)).toBe(1.5);
    expect(edgeWidth(9)).toBeCloseTo(3.5);
    expect(edgeWidth(1e9)).toBe(8);
    expect(edgeWidth(-1)).toBe(1.5);
  });
});

describe('traffic split', () => {
  it('labels an edge to a split backend with its configured share, and says so on the hover card', () => {
    const toV2 = { ...byDst('books'), split: { service: 'books', share: 0.1 } };
    expect(splitLabel(toV2)).toBe('10%');
    expect(splitLabel({ split: { service: 'books', share: 1 / 3 } })).toBe('33.3%');
    expect(splitLabel(byDst('books'))).toBeNull();
    expect(edgeSummary(toV2).at(-1)).toBe('traffic split of svc/books: 10% of its requests');
  });
});

describe('edge texts', () => {
  it('summarises an edge for the hover card', () => {
    expect(edgeSummary(byDst('books'))).toEqual([
      'web → books',
      '9.8 rps · 89.80% success · p99 45.2 ms',
      '4 conn · read 2.2 kB/s · write 1.3 kB/s',
      'Not secured: Not provided by service discovery',
    ]);
    expect(edgeSummary(byDst('cache'))[1]).toBe('TCP only (no HTTP requests)');
    expect(edgeSummary({ ...byDst('books'), overheadMs: { p50: 0.21, p99: 1.4 } })[2]).toBe('mesh adds p50/p99 0.21 / 1.4 ms (both proxies)');
  });

  it('says why an edge is or is not secured', () => {
    expect(tlsReasonText('no_identity')).toBe('No identity');
    expect(tlsReasonText(null)).toBe('Unknown reason');
    expect(securityText({ secured: true, noTlsReason: null, serverId: 'books.demo.sa' })).toBe('Secured (mTLS), server books.demo.sa');
    expect(securityText({ secured: true, noTlsReason: null, serverId: null })).toBe('Secured (mTLS)');
  });
});
