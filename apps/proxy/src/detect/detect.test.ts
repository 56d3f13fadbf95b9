import type net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { h2Preface } from './classify.js';
import { detect, type Detected } from './detect.js';

/** An in-memory stand-in for an accepted socket: what the test writes is what the proxy reads. */
function fakeSocket(): PassThrough & net.Socket {
  return new PassThrough() as PassThrough & net.Socket;
}

const options = { timeoutMs: 1000, opaquePorts: new Set([6379]) };

function run(socket: net.Socket, port: number, prior?: Buffer): Detected[] {
  const seen: Detected[] = [];
  detect(socket, port, options, (d) => seen.push(d), prior);
  return seen;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('detect', () => {
  it('skips detection on an opaque port without reading', () => {
    const socket = fakeSocket();
    socket.write('PING\r\n');
    expect(run(socket, 6379)).toEqual([{ protocol: 'opaque', first: Buffer.alloc(0), timedOut: false, skipped: true }]);
    expect(socket.readableLength).toBe(6);
  });

  it('skips detection without reading when discovery hints the destination is opaque, on any port', () => {
    const socket = fakeSocket();
    socket.write('GET / HTTP/1.1\r\n');
    const seen: Detected[] = [];
    detect(socket, 7000, options, (d) => seen.push(d), undefined, true);
    expect(seen).toEqual([{ protocol: 'opaque', first: Buffer.alloc(0), timedOut: false, skipped: true }]);
    expect(socket.readableLength).toBe(16);
  });

  it('classifies bytes already read (after a CONNECT head) without another read', () => {
    const socket = fakeSocket();
    const prior = Buffer.from('GET / HTTP/1.1\r\n');
    expect(run(socket, 80, prior)).toEqual([{ protocol: 'http1', first: prior, timedOut: false, skipped: false }]);
  });

  it('does one read, classifies it and hands the socket on paused, without its listeners', async () => {
    const socket = fakeSocket();
    const seen = run(socket, 80);
    socket.write(h2Preface);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([{ protocol: 'http2', first: h2Preface, timedOut: false, skipped: false }]);
    expect(socket.isPaused()).toBe(true);
    expect(socket.listenerCount('data')).toBe(0);
    socket.write('more');
    await vi.advanceTimersByTimeAsync(2000); // the timeout was cleared: no second verdict
    expect(seen).toHaveLength(1);
  });

  it('calls a silent connection opaque after the timeout', async () => {
    const socket = fakeSocket();
    const seen = run(socket, 80);
    await vi.advanceTimersByTimeAsync(999);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([{ protocol: 'opaque', first: Buffer.alloc(0), timedOut: true, skipped: false }]);
  });

  it('closes a connection that ends before sending anything', async () => {
    const socket = fakeSocket();
    const seen = run(socket, 80);
    socket.end();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([]);
    expect(socket.destroyed).toBe(true);
  });
});
