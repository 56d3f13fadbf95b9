// The tap WebSocket server against the `ws` client (a peer nobody here wrote), and against raw frames for each way a
// client can break RFC 6455.
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { listenAdminHttp } from '../../test/support/admin-http.js';
import type { AdminRequest } from '../admin/http.js';
import { acceptWebSocket, type ServerWebSocket } from './websocket.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** The admin port's HTTP/1.1 (what serves tap), handing every upgrade to `onUpgrade`; listening on loopback. */
async function upgradeServer(onUpgrade: (req: AdminRequest, socket: net.Socket, head: Buffer) => void): Promise<number> {
  const upgrade = (req: AdminRequest, socket: net.Socket, head: Buffer) => (onUpgrade(req, socket, head), true);
  return (await listenAdminHttp({ respond: () => ({ status: 404, body: '' }), upgrade }, cleanups)).port;
}

/** An HTTP server whose upgrades become ServerWebSockets (at most `maxPayload` per message). */
async function server(maxPayload = 1024): Promise<{ port: number; next: () => Promise<ServerWebSocket> }> {
  const accepted: ServerWebSocket[] = [];
  const waiting: ((ws: ServerWebSocket) => void)[] = [];
  const port = await upgradeServer((req, socket, head) => {
    const ws = acceptWebSocket(req, socket, head, maxPayload);
    if (!ws) return;
    cleanups.push(() => socket.destroy());
    ws.on('error', () => {});
    const w = waiting.shift();
    if (w) w(ws);
    else accepted.push(ws);
  });
  return {
    port,
    next: () => new Promise((resolve) => (accepted.length > 0 ? resolve(accepted.shift() as ServerWebSocket) : waiting.push(resolve))),
  };
}

function client(port: number): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  ws.on('error', () => {});
  cleanups.push(() => ws.terminate());
  return ws;
}

/** A `ws` client connected to a fresh server: both ends, once the handshake is done. */
async function connected(): Promise<{ ws: WebSocket; peer: ServerWebSocket }> {
  const s = await server();
  const ws = client(s.port);
  const peer = await s.next();
  await once(ws, 'open');
  return { ws, peer };
}

/** A raw client that has done the opening handshake; `frames` collects what the server sends after it. */
async function raw(port: number): Promise<{ socket: net.Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1');
  cleanups.push(() => socket.destroy());
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(
    'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  let buf = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => (buf = Buffer.concat([buf, d])));
  const closed = once(socket, 'close').then(() => undefined);
  await new Promise<void>((resolve) => {
    const check = () => (buf.includes('\r\n\r\n') ? resolve() : setTimeout(check, 2));
    check();
  });
  expect(buf.toString('latin1')).toContain('sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  const headEnd = buf.indexOf('\r\n\r\n') + 4;
  return { socket, received: () => buf.subarray(headEnd), closed };
}

/** A masked client frame. */
function masked(first: number, payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload.map((b, i) => b ^ (mask[i & 3] as number)));
  const len = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([Buffer.from([first]), len, mask, body]);
}

/** The close code of the first close frame the server sent. */
async function closeCode(conn: { received: () => Buffer; closed: Promise<void> }): Promise<number> {
  await conn.closed;
  const frames = conn.received();
  expect(frames[0]).toBe(0x88);
  return frames.readUInt16BE(2);
}

describe('the tap WebSocket server with the ws client', () => {
  it('sends text messages and receives the client’s, with isBinary', async () => {
    const { ws, peer } = await connected();
    const got: [string, boolean][] = [];
    peer.on('message', (data: Buffer, binary: boolean) => got.push([data.toString(), binary]));
    ws.send('{"subscribe":1}');
    ws.send(Buffer.from([1, 2]), { binary: true });
    const messages: string[] = [];
    ws.on('message', (m: Buffer) => messages.push(m.toString()));
    const sent = await new Promise<Error | undefined>((resolve) => peer.send('x'.repeat(70_000), resolve));
    expect(sent).toBeUndefined();
    peer.send('{"event":2}', () => {});
    await new Promise<void>((resolve) => {
      const check = () => (messages.length === 2 && got.length === 2 ? resolve() : setTimeout(check, 2));
      check();
    });
    expect(messages).toEqual(['x'.repeat(70_000), '{"event":2}']);
    expect(got).toEqual([
      ['{"subscribe":1}', false],
      ['\u0001\u0002', true],
    ]);
  });

  it('answers a ping with a pong carrying its payload', async () => {
    const { ws } = await connected();
    ws.ping('abc');
    const [payload] = (await once(ws, 'pong')) as [Buffer];
    expect(payload.toString()).toBe('abc');
  });

  it('closes with a code and reason the client sees, and the socket ends', async () => {
    const { ws, peer } = await connected();
    const peerClosed = once(peer, 'close');
    peer.close(1008, 'no subscription received');
    const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    expect(code).toBe(1008);
    expect(reason.toString()).toBe('no subscription received');
    await peerClosed;
  });

  it('answers the client’s close with its code and emits close', async () => {
    const { ws, peer } = await connected();
    const peerClosed = once(peer, 'close');
    ws.close(4000, 'bye');
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(4000);
    await peerClosed;
  });
});

describe('a client that breaks RFC 6455', () => {
  it('refuses a request that is not an opening handshake with 400', async () => {
    const s = await server();
    const socket = net.connect(s.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.on('error', () => {}); // the server's closing reset at cleanup
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    const [reply] = (await once(socket, 'data')) as [Buffer];
    expect(reply.toString()).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('reads a message sent in the same packet as the handshake', async () => {
    // Listened to as the tap server does, in the upgrade's own callback.
    let received: (text: string) => void = () => {};
    const message = new Promise<string>((resolve) => (received = resolve));
    const port = await upgradeServer((req, sock, head) => {
      cleanups.push(() => sock.destroy());
      acceptWebSocket(req, sock, head, 1024)
        ?.on('error', () => {}) // the reset at cleanup
        .on('message', (d: Buffer) => received(d.toString()));
    });
    const socket = net.connect(port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.on('error', () => {}); // the server's closing reset at cleanup
    await once(socket, 'connect');
    socket.write(
      Buffer.concat([
        Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'),
        masked(0x81, Buffer.from('early')),
      ]),
    );
    expect(await message).toBe('early');
  });

  it('reassembles a fragmented text message', async () => {
    const s = await server();
    const conn = await raw(s.port);
    const peer = await s.next();
    const got = new Promise<string>((resolve) => peer.on('message', (d: Buffer) => resolve(d.toString())));
    conn.socket.write(Buffer.concat([masked(0x01, Buffer.from('hel')), masked(0x89, Buffer.from('p')), masked(0x80, Buffer.from('lo'))]));
    expect(await got).toBe('hello');
  });

  it.each([
    ['an unmasked frame', Buffer.from([0x81, 0x01, 0x61]), 1002],
    ['reserved bits', masked(0xc1, Buffer.from('a')), 1002],
    ['an unknown opcode', masked(0x83, Buffer.from('a')), 1002],
    ['a continuation without a message', masked(0x80, Buffer.from('a')), 1002],
    ['a fragmented control frame', masked(0x09, Buffer.from('a')), 1002],
    ['a message over the limit', masked(0x81, Buffer.alloc(2000, 0x61)), 1009],
    ['fragments over the limit together', Buffer.concat([masked(0x01, Buffer.alloc(600, 0x61)), masked(0x80, Buffer.alloc(600, 0x61))]), 1009],
    ['text that is not UTF-8', masked(0x81, Buffer.from([0xc3, 0x28])), 1007],
    ['a close frame of one byte', masked(0x88, Buffer.from([3])), 1002],
    ['a close frame with a reserved code', masked(0x88, Buffer.from([0x03, 0xed])), 1002],
  ])('closes on %s with code %i and ends the connection', async (_what, bytes, code) => {
    const s = await server();
    const conn = await raw(s.port);
    const peer = await s.next();
    const messages: Buffer[] = [];
    peer.on('message', (d: Buffer) => messages.push(d));
    conn.socket.write(bytes);
    expect(await closeCode(conn)).toBe(code);
    expect(messages).toEqual([]);
  });
});
