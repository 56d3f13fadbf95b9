import { describe, expect, it } from 'vitest';
import { tapCloseReason, tapEventSchema, tapMatchDepth, tapMessageSchema, tapRequestSchema, type TapMatch } from './tap.js';

const target = { namespace: 'demo', kind: 'deployment', name: 'books' } as const;
const peer = { addr: '127.0.0.1:4143', meta: { pod: 'books-0' } };
const base = { id: { base: 0, stream: 1 }, direction: 'inbound', source: peer, destination: peer, at: 1 } as const;

describe('tapRequestSchema', () => {
  it('defaults maxRps to 100 and headers off, as linkerd viz tap', () => {
    expect(tapRequestSchema.parse({ v: 1, target })).toEqual({ v: 1, target, maxRps: 100, extractHeaders: false });
  });

  it.each<[string, unknown]>([
    ['no version', { target }],
    ['unknown kind', { v: 1, target: { ...target, kind: 'service' } }],
    ['maxRps 0', { v: 1, target, maxRps: 0 }],
    ['unknown match leaf', { v: 1, target, match: { header: 'x' } }],
    ['two keys in one match node', { v: 1, target, match: { method: 'GET', path: { prefix: '/' } } }],
    ['extra field', { v: 1, target, limit: 5 }],
  ])('refuses %s', (_name, input) => {
    expect(tapRequestSchema.safeParse(input).success).toBe(false);
  });

  it('accepts a combined match tree and refuses one nested too deep', () => {
    const match: TapMatch = { all: [{ method: 'GET' }, { not: { path: { prefix: '/health' } } }, { any: [{ direction: 'inbound' }] }] };
    expect(tapRequestSchema.parse({ v: 1, target, match }).match).toEqual(match);
    let deep: TapMatch = { method: 'GET' };
    for (let i = 0; i < 9; i++) deep = { not: deep };
    expect(tapMatchDepth(deep)).toBe(10);
    expect(tapRequestSchema.safeParse({ v: 1, target, match: deep }).success).toBe(false);
  });
});

describe('tapEventSchema', () => {
  it('takes exactly one of requestInit, responseInit, responseEnd', () => {
    const requestInit = { method: 'GET', scheme: 'http', authority: 'books.demo:7001', path: '/', headers: [] };
    const responseInit = { sinceRequestInitUs: 5, status: 200, headers: [] };
    expect(tapEventSchema.safeParse({ ...base, requestInit }).success).toBe(true);
    expect(tapEventSchema.safeParse({ ...base, responseInit }).success).toBe(true);
    expect(tapEventSchema.safeParse({ ...base, requestInit, responseInit }).success).toBe(false);
    expect(tapEventSchema.safeParse(base).success).toBe(false);
  });

  it('wraps events and notices in messages', () => {
    expect(tapMessageSchema.parse({ type: 'dropped', count: 3 })).toEqual({ type: 'dropped', count: 3 });
    expect(tapMessageSchema.safeParse({ type: 'dropped', count: 0 }).success).toBe(false);
  });
});

describe('tapCloseReason', () => {
  it('keeps short reasons and cuts long ones to fit a close frame', () => {
    expect(tapCloseReason('bad request')).toBe('bad request');
    const cut = tapCloseReason('é'.repeat(100));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(123);
    expect(cut.endsWith('...')).toBe(true);
  });
});
