import type { RequestInitEvent, TapMatch } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { matchTap } from './match.js';

const event: RequestInitEvent = {
  id: { base: 0, stream: 1 },
  direction: 'outbound',
  source: { addr: '127.0.0.1:50123', meta: { namespace: 'demo', deployment: 'web', pod: 'web-0' } },
  destination: { addr: '127.0.0.1:7101', meta: { namespace: 'demo', deployment: 'books', pod: 'books-1', tls: 'no_identity' } },
  at: 0,
  requestInit: { method: 'GET', scheme: 'http', authority: 'books.demo:7001', path: '/books/1', headers: [] },
};

describe('matchTap', () => {
  it.each<[string, TapMatch, boolean]>([
    ['method', { method: 'GET' }, true],
    ['method, any case', { method: 'get' }, true],
    ['other method', { method: 'POST' }, false],
    ['scheme', { scheme: 'HTTP' }, true],
    ['path prefix', { path: { prefix: '/books' } }, true],
    ['path prefix miss', { path: { prefix: '/authors' } }, false],
    ['path exact', { path: { exact: '/books/1' } }, true],
    ['path exact is not a prefix', { path: { exact: '/books' } }, false],
    ['path is case-sensitive', { path: { prefix: '/BOOKS' } }, false],
    ['authority exact, any case', { authority: { exact: 'Books.Demo:7001' } }, true],
    ['authority prefix', { authority: { prefix: 'books.' } }, true],
    ['authority miss', { authority: { exact: 'authors.demo:7002' } }, false],
    ['direction', { direction: 'outbound' }, true],
    ['other direction', { direction: 'inbound' }, false],
    ['destination labels', { destination: { labels: { deployment: 'books', namespace: 'demo' } } }, true],
    ['destination label miss', { destination: { labels: { deployment: 'authors' } } }, false],
    ['destination port', { destination: { port: 7101 } }, true],
    ['destination ip and port', { destination: { ip: '127.0.0.1', port: 7102 } }, false],
    ['source pod', { source: { labels: { pod: 'web-0' } } }, true],
    ['source ip', { source: { ip: '10.0.0.1' } }, false],
    ['not', { not: { method: 'GET' } }, false],
    ['all', { all: [{ method: 'GET' }, { path: { prefix: '/books' } }] }, true],
    ['all with one miss', { all: [{ method: 'GET' }, { path: { prefix: '/a' } }] }, false],
    ['all of nothing', { all: [] }, true],
    ['any', { any: [{ method: 'POST' }, { path: { prefix: '/books' } }] }, true],
    ['any of nothing', { any: [] }, false],
    ['nested', { all: [{ not: { any: [{ method: 'POST' }, { method: 'PUT' }] } }, { destination: { labels: { pod: 'books-1' } } }] }, true],
  ])('%s', (_name, match, expected) => {
    expect(matchTap(match, event)).toBe(expected);
  });
});
