import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import { HeadFirstSink } from './head-first.js';

/** A socket that records what was written to it, write by write. */
function recorder(): { socket: net.Socket; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const socket = {
    write: (chunk: Buffer | string, encoding?: BufferEncoding) => {
      writes.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : chunk);
      return true;
    },
  } as unknown as net.Socket;
  return { socket, writes };
}

describe('HeadFirstSink', () => {
  const read = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloNEXT', 'latin1');
  const headEnd = read.indexOf('\r\n\r\n') + 4;

  it('sends a head forwarded unchanged and the body read with it as one view of the bytes read, no copy', () => {
    const { socket, writes } = recorder();
    const sink = new HeadFirstSink(socket, read.subarray(0, headEnd));
    sink.write(read.subarray(headEnd, headEnd + 5));
    sink.flush();
    expect(writes).toHaveLength(1);
    expect((writes[0] as Buffer).toString('latin1')).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    expect((writes[0] as Buffer).buffer).toBe(read.buffer);
  });

  it.each([
    ['a rewritten head (another buffer)', Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'latin1'), read.subarray(headEnd, headEnd + 5)],
    ['a head and a body from the same buffer with bytes between them', read.subarray(0, headEnd - 1), read.subarray(headEnd, headEnd + 5)],
    ['a string head', 'HTTP/1.1 200 OK\r\n\r\n', read.subarray(headEnd, headEnd + 5)],
  ])('copies %s and the body into one write', (_n, head, body) => {
    const { socket, writes } = recorder();
    const sink = new HeadFirstSink(socket, head);
    sink.write(body);
    expect(writes).toHaveLength(1);
    expect((writes[0] as Buffer).toString('latin1')).toBe(`${Buffer.from(head).toString('latin1')}hello`);
  });

  it('writes the head alone on flush when no body came with it, then body chunks as they are', () => {
    const { socket, writes } = recorder();
    const sink = new HeadFirstSink(socket, read.subarray(0, headEnd));
    sink.flush();
    sink.write(read.subarray(headEnd, headEnd + 5));
    expect(writes.map((w) => w.toString('latin1'))).toEqual([read.subarray(0, headEnd).toString('latin1'), 'hello']);
  });
});
