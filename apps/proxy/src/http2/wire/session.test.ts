// The wire engine: against node:http2 (nghttp2) as the real peer both ways, then against a hand-written peer on a
// raw socket that sends frames built byte by byte and reads every frame that comes back, so that each test can
// check the exact frames and error codes of RFC 9113's edges (bad input, flow control, limits), both roles.
import http2 from 'node:http2';
import net from 'node:net';
import { EventEmitter, once } from 'node:events';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_WINDOW,
  ErrorCode,
  Flag,
  FrameType,
  MAX_WINDOW,
  MIN_FRAME_SIZE,
  PREFACE,
  SETTINGS_ACK,
  Setting,
  frame,
  goawayFrame,
  rstStreamFrame,
  settingsFrame,
  windowUpdateFrame,
} from './frame.js';
import { HpackDecoder, HpackEncoder } from './hpack.js';
import { WireSession, type WireSettings } from './session.js';
import type { WireStream } from './stream.js';
import { random } from '../../../test/support/random.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** 'close', whatever came before it (events.once would reject on an 'error' first). */
const closing = (emitter: { once(event: 'close', listener: () => void): unknown }): Promise<void> =>
  new Promise((resolve) => emitter.once('close', () => resolve()));

// === a peer that speaks raw frames ===

interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly payload: Buffer;
  /** HEADERS: the fields of its header block, set once the block's last frame is in. */
  fields?: string[];
}

const typeNames = new Map<number, string>(Object.entries(FrameType).map(([name, type]) => [type, name]));
const show = (f: Frame): string => `${typeNames.get(f.type) ?? `type ${f.type}`}(${f.stream}, flags ${f.flags}, ${f.payload.length} bytes)`;
const waitLimit = 2000;

/**
 * The far end of a connection: writes what it is given and records every frame that arrives, decoding header
 * blocks in arrival order (the session never pads or prioritizes its HEADERS) and summing WINDOW_UPDATEs per stream.
 * Its own DATA flow control starts from the defaults: the session never changes the initial stream window.
 */
class Peer {
  readonly frames: Frame[] = [];
  readonly encoder = new HpackEncoder();
  /** Increments received, per stream id (0: the connection). */
  readonly windowUpdates = new Map<number, number>();
  /** Client role tests: the bytes the session sent ahead of its first frame. */
  preface: Buffer | undefined;
  closed = false;
  readonly #decoder = new HpackDecoder();
  readonly #taken = new Set<Frame>();
  readonly #sent = new Map<number, number>();
  #buf: Buffer = Buffer.alloc(0);
  #expectPreface: boolean;
  #block: { readonly first: Frame; readonly parts: Buffer[] } | undefined;
  #wake: (() => void)[] = [];
  #pings = 0;

  constructor(
    readonly socket: net.Socket,
    expectPreface: boolean,
  ) {
    this.#expectPreface = expectPreface;
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', () => {}); // e.g. a reset when we write after the session hung up: 'close' follows
    socket.on('close', () => {
      this.closed = true;
      this.#notify();
    });
    cleanups.push(() => socket.destroy());
  }

  send(...chunks: Buffer[]): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.concat(chunks));
  }

  /** Resolves once `done()` holds, re-checked as frames arrive; fails after 2 s or when the connection closes first. */
  async until(what: string, done: () => boolean): Promise<void> {
    const deadline = Date.now() + waitLimit;
    while (!done()) {
      if (this.closed) throw new Error(`connection closed before ${what}; received ${this.describe()}`);
      if (!(await this.#changed(deadline))) throw new Error(`no ${what} within ${waitLimit} ms; received ${this.describe()}`);
    }
  }

  /** The first frame not taken by an earlier call that matches. */
  async frame(what: string, match: (f: Frame) => boolean): Promise<Frame> {
    let found: Frame | undefined;
    await this.until(what, () => (found = this.frames.find((f) => !this.#taken.has(f) && match(f))) !== undefined);
    this.#taken.add(found as Frame);
    return found as Frame;
  }

  whenClosed(): Promise<void> {
    return this.until('the connection to close', () => this.closed);
  }

  async goaway(): Promise<{ last: number; code: number }> {
    const f = await this.frame('GOAWAY', (f) => f.type === FrameType.GOAWAY);
    return { last: f.payload.readUInt32BE(0) & MAX_WINDOW, code: f.payload.readUInt32BE(4) };
  }

  /** A connection error: GOAWAY with `code`, then the session closes the connection. */
  async connectionError(code: number): Promise<void> {
    expect((await this.goaway()).code).toBe(code);
    await this.whenClosed();
  }

  async rst(stream: number): Promise<number> {
    const f = await this.frame(`RST_STREAM on ${stream}`, (f) => f.type === FrameType.RST_STREAM && f.stream === stream);
    return f.payload.readUInt32BE(0);
  }

  /**
   * "Nothing more is coming", without a sleep: two PING round trips. The session frames DATA at the end of the tick
   * in which it read the frames that let it go, so the first ACK can leave ahead of it in the same write; the
   * second PING is read in a later tick, and by its ACK everything the earlier frames caused has arrived.
   */
  async sync(): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const payload = Buffer.from(`sync${String(++this.#pings).padStart(4, '0')}`);
      this.send(frame(FrameType.PING, 0, 0, payload));
      await this.frame('PING ACK', (f) => f.type === FrameType.PING && f.flags === Flag.ACK && f.payload.equals(payload));
    }
  }

  /** HEADERS with a whole block, encoded by this peer's encoder (so it must be sent: the tables move on). */
  headers(stream: number, fields: string[], flags: number = Flag.END_HEADERS | Flag.END_STREAM): Buffer {
    return frame(FrameType.HEADERS, flags, stream, this.encoder.encode(fields));
  }

  request(stream: number, fields: string[], endStream = true): void {
    this.send(this.headers(stream, fields, Flag.END_HEADERS | (endStream ? Flag.END_STREAM : 0)));
  }

  /** The response on `stream` up to its END_STREAM: head, body, trailers, and the frames. */
  async response(stream: number): Promise<{ headers: Record<string, string>; body: Buffer; trailers?: Record<string, string>; frames: Frame[] }> {
    const frames: Frame[] = [];
    let head: Record<string, string> | undefined;
    let trailers: Record<string, string> | undefined;
    for (;;) {
      const f = await this.frame(
        `the response on ${stream}`,
        (f) => f.stream === stream && (f.type === FrameType.DATA || f.type === FrameType.RST_STREAM || f.fields !== undefined),
      );
      if (f.type === FrameType.RST_STREAM) throw new Error(`stream ${stream} reset with code ${f.payload.readUInt32BE(0)}`);
      frames.push(f);
      if (f.fields) {
        if (head === undefined) head = fieldObject(f.fields);
        else trailers = fieldObject(f.fields);
      }
      if (f.flags & Flag.END_STREAM) break;
    }
    const body = Buffer.concat(frames.filter((f) => f.type === FrameType.DATA).map((f) => f.payload));
    return { headers: head ?? {}, body, ...(trailers ? { trailers } : {}), frames };
  }

  /** A GET for /alive on `stream` is answered: the connection still serves. */
  async serves(stream: number): Promise<void> {
    this.request(stream, get('/alive'));
    const r = await this.response(stream);
    expect(r.headers[':status']).toBe('200');
    expect(r.body.toString()).toBe('alive');
  }

  /** DATA bytes received on `stream`. */
  received(stream: number): number {
    return this.frames.filter((f) => f.type === FrameType.DATA && f.stream === stream).reduce((n, f) => n + f.payload.length, 0);
  }

  /** Sends `total` body bytes on `stream` as the session's windows allow, waiting for its WINDOW_UPDATEs. */
  async sendBody(stream: number, total: number, endStream = true): Promise<void> {
    for (let left = total; left > 0; ) {
      const n = Math.min(left, MIN_FRAME_SIZE, this.#room(stream));
      if (n <= 0) {
        await this.until(`window to send on ${stream}`, () => this.#room(stream) > 0);
        continue;
      }
      left -= n;
      this.send(frame(FrameType.DATA, left === 0 && endStream ? Flag.END_STREAM : 0, stream, Buffer.alloc(n, 0x62)));
      this.#sent.set(stream, (this.#sent.get(stream) ?? 0) + n);
      this.#sent.set(0, (this.#sent.get(0) ?? 0) + n);
    }
  }

  #room(stream: number): number {
    const window = (id: number): number => DEFAULT_WINDOW + (this.windowUpdates.get(id) ?? 0) - (this.#sent.get(id) ?? 0);
    return Math.min(window(stream), window(0));
  }

  describe(): string {
    const frames = this.frames.map(show);
    return frames.length > 40 ? `… ${frames.slice(-40).join(' ')}` : frames.join(' ') || 'nothing';
  }

  #changed(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
      this.#wake.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  #notify(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }

  #read(chunk: Buffer): void {
    let buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    if (this.#expectPreface) {
      if (buf.length < PREFACE.length) return void (this.#buf = buf);
      this.preface = buf.subarray(0, PREFACE.length);
      buf = buf.subarray(PREFACE.length);
      this.#expectPreface = false;
    }
    while (buf.length >= 9) {
      const length = buf.readUIntBE(0, 3);
      if (buf.length < 9 + length) break;
      const f: Frame = { type: buf[3]!, flags: buf[4]!, stream: buf.readUInt32BE(5) & MAX_WINDOW, payload: Buffer.from(buf.subarray(9, 9 + length)) };
      buf = buf.subarray(9 + length);
      this.#record(f);
    }
    this.#buf = buf;
    this.#notify();
  }

  #record(f: Frame): void {
    this.frames.push(f);
    if (f.type === FrameType.WINDOW_UPDATE) this.windowUpdates.set(f.stream, (this.windowUpdates.get(f.stream) ?? 0) + f.payload.readUInt32BE(0));
    if (f.type === FrameType.HEADERS) this.#block = { first: f, parts: [] };
    if ((f.type !== FrameType.HEADERS && f.type !== FrameType.CONTINUATION) || !this.#block) return;
    this.#block.parts.push(f.payload);
    if ((f.flags & Flag.END_HEADERS) === 0) return;
    const block = Buffer.concat(this.#block.parts);
    const fields: string[] = [];
    this.#decoder.decode(block, 0, block.length, fields);
    this.#block.first.fields = fields;
    this.#block = undefined;
  }
}

function fieldObject(fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i] as string;
    out[name] = out[name] === undefined ? (fields[i + 1] as string) : `${out[name]}, ${fields[i + 1] as string}`;
  }
  return out;
}

const get = (path = '/alive', ...more: string[]): string[] => [':method', 'GET', ':scheme', 'http', ':authority', 'wire.test', ':path', path, ...more];
const post = (path: string, ...more: string[]): string[] => [':method', 'POST', ':scheme', 'http', ':authority', 'wire.test', ':path', path, ...more];
const data = (stream: number, body: string | Buffer, flags = 0): Buffer => frame(FrameType.DATA, flags, stream, Buffer.from(body));
/** Bytes that show where they sit in a body. */
const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));
/** A PADDED frame's payload: pad length, `prefix` (HEADERS' priority fields), the content, then the padding. */
const padded = (content: Buffer, pad: number, prefix: Buffer = Buffer.alloc(0)): Buffer =>
  Buffer.concat([Buffer.from([pad]), prefix, content, Buffer.alloc(pad)]);
const isSettings = (f: Frame): boolean => f.type === FrameType.SETTINGS && f.flags === 0;
const isSettingsAck = (f: Frame): boolean => f.type === FrameType.SETTINGS && f.flags === Flag.ACK;
const settingsOf = (f: Frame): [number, number][] =>
  Array.from({ length: f.payload.length / 6 }, (_, i) => [f.payload.readUInt16BE(i * 6), f.payload.readUInt32BE(i * 6 + 2)]);
/** A frame type or setting RFC 9113 does not define (an extension's). */
const unknown = <T>(n: number): T => n as T;

// === a WireSession server ===

type Route = (stream: WireStream, headers: IncomingHttpHeaders, flags: number) => void;

interface Opened {
  readonly stream: WireStream;
  readonly headers: IncomingHttpHeaders;
  readonly flags: number;
}

/** What every test server answers, by :path; `/bytes/N` answers with pattern(N); anything else is `/alive`. */
const baseRoutes: Record<string, Route> = {
  '/alive': (stream) => {
    stream.respond({ ':status': 200 });
    stream.end('alive');
  },
  // Reads the body, then answers with its length.
  '/sink': (stream) => {
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.on('end', () => {
      stream.respond({ ':status': 200 });
      stream.end(String(bytes));
    });
  },
  // As /sink, but paused from the start: the test resumes it through server.next().
  '/paused': (stream) => {
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.pause();
    stream.on('end', () => {
      stream.respond({ ':status': 200 });
      stream.end(String(bytes));
    });
  },
  // Left alone: the test drives the stream through server.next().
  '/hold': () => {},
};

interface TestServer {
  readonly url: string;
  readonly sessions: WireSession[];
  /** The next stream the server opened (in order). */
  next(): Promise<Opened>;
  /** All streams opened so far. */
  readonly opened: readonly Opened[];
  /** A raw connection, nothing sent yet. */
  raw(): Promise<Peer>;
  /** A raw connection past the preface and the SETTINGS exchange (`settings` are ours). */
  connect(settings?: [Setting, number][]): Promise<Peer>;
}

/** What a fresh server does with `frames` from a client past its preface: a connection error with `code`. */
async function connectionErrorFor(code: number, ...frames: Buffer[]): Promise<void> {
  const peer = await (await wireServer()).connect();
  peer.send(...frames);
  await peer.connectionError(code);
}

async function wireServer(routes: Record<string, Route> = {}, settings: Partial<WireSettings> = {}): Promise<TestServer> {
  const sessions: WireSession[] = [];
  const opened: Opened[] = [];
  let taken = 0;
  let wake = (): void => {};
  const onStream: Route = (stream, headers, flags) => {
    opened.push({ stream, headers, flags });
    wake();
    const path = String(headers[':path']);
    const bytes = /^\/bytes\/(\d+)$/.exec(path);
    if (bytes) {
      stream.respond({ ':status': 200 });
      stream.end(pattern(Number(bytes[1])));
      return;
    }
    (routes[path] ?? baseRoutes[path] ?? (baseRoutes['/alive'] as Route))(stream, headers, flags);
  };
  // noDelay, as the proxy's listeners: else Nagle and delayed ACKs add 40 ms to many exchanges.
  const server = net.createServer({ noDelay: true }, (socket) => {
    const session = new WireSession(socket, 'server', { settings: { maxHeaderListSize: 65536, ...settings }, onStream });
    session.on('error', () => {}); // connection errors: what the peer receives is what the tests check
    sessions.push(session);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    for (const s of sessions) s.destroy();
    server.close();
  });
  const port = (server.address() as net.AddressInfo).port;
  const raw = async (): Promise<Peer> => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const peer = new Peer(socket, false);
    await once(socket, 'connect');
    return peer;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    sessions,
    opened,
    async next() {
      if (opened.length <= taken) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no stream opened within ${waitLimit} ms`)), waitLimit);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return opened[taken++] as Opened;
    },
    raw,
    async connect(ours = []) {
      const peer = await raw();
      peer.send(PREFACE, settingsFrame(ours));
      await peer.frame("the server's SETTINGS", isSettings);
      await peer.frame('the ACK of our SETTINGS', isSettingsAck);
      peer.send(SETTINGS_ACK);
      return peer;
    },
  };
}

// === node:http2 as the peer ===

function nodeClient(url: string): http2.ClientHttp2Session {
  const client = http2.connect(url);
  client.on('error', () => {});
  cleanups.push(() => client.destroy());
  return client;
}

function collect(stream: http2.ClientHttp2Stream): Promise<{ headers: IncomingHttpHeaders; body: string; trailers?: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ headers, body: Buffer.concat(chunks).toString(), ...(trailers ? { trailers } : {}) }));
    stream.on('error', reject);
  });
}

describe('WireSession as a server, node:http2 as the client', () => {
  it('answers a GET', async () => {
    const { url } = await wireServer({
      '/a?b=1': (stream, headers) => {
        stream.respond({ ':status': 200, 'x-path': String(headers[':path']) });
        stream.end('hello');
      },
    });
    const client = nodeClient(url);
    const r = await collect(client.request({ ':path': '/a?b=1' }));
    expect(r.headers[':status']).toBe(200);
    expect(r.headers['x-path']).toBe('/a?b=1');
    expect(r.body).toBe('hello');
  });

  it('takes a 300 kB body and sends a 300 kB response, both past the default windows', async () => {
    const { url } = await wireServer();
    const client = nodeClient(url);
    const up = client.request({ ':method': 'POST', ':path': '/sink' });
    up.end(Buffer.alloc(300_000, 1));
    expect((await collect(up)).body).toBe('300000');
    const down = client.request({ ':path': '/bytes/300000' });
    let bytes = 0;
    down.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await once(down, 'end');
    expect(bytes).toBe(300_000);
  });
});

/** A node:http2 server on a loopback port. */
async function nodeServer(onStream: (stream: http2.ServerHttp2Stream, headers: IncomingHttpHeaders) => void): Promise<number> {
  const server = http2.createServer();
  server.on('stream', onStream);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

async function wireClient(port: number): Promise<WireSession> {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  const session = new WireSession(socket, 'client', { settings: { maxHeaderListSize: 65536 } });
  session.on('error', () => {});
  cleanups.push(() => session.destroy());
  return session;
}

function collectWire(stream: WireStream): Promise<{ headers: IncomingHttpHeaders; body: string; trailers?: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    stream.on('response', (headers: IncomingHttpHeaders) => {
      let trailers: IncomingHttpHeaders | undefined;
      const chunks: Buffer[] = [];
      stream.on('trailers', (t: IncomingHttpHeaders) => (trailers = t));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve({ headers, body: Buffer.concat(chunks).toString(), ...(trailers ? { trailers } : {}) }));
    });
    stream.on('error', reject);
    stream.on('close', () => reject(new Error(`closed with ${stream.rstCode}`)));
  });
}

const requestHead: OutgoingHttpHeaders = { ':method': 'GET', ':scheme': 'http', ':authority': 'x', ':path': '/p' };

describe('WireSession as a client, node:http2 as the server', () => {
  it('sends a GET and reads the response', async () => {
    const port = await nodeServer((stream, headers) => {
      stream.respond({ ':status': 201, 'x-path': String(headers[':path']) });
      stream.end('world');
    });
    const session = await wireClient(port);
    const r = await collectWire(session.request(requestHead, { endStream: true }));
    expect(r.headers[':status']).toBe(201);
    expect(r.body).toBe('world');
  });

  it('sends a body with trailers and reads a 300 kB response with trailers', async () => {
    const port = await nodeServer((stream) => {
      let bytes = 0;
      stream.on('data', (c: Buffer) => (bytes += c.length));
      stream.on('trailers', (t: IncomingHttpHeaders) => {
        stream.respond({ ':status': 200, 'x-got': `${bytes} ${String(t['x-sum'])}` }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'x-done': 'yes' }));
        stream.end(Buffer.alloc(300_000, 0x63));
      });
      stream.resume();
    });
    const session = await wireClient(port);
    const stream = session.request({ ...requestHead, ':method': 'POST' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'x-sum': '42' }));
    stream.end(Buffer.alloc(100_000, 0x61));
    const r = await collectWire(stream);
    expect(r.headers['x-got']).toBe('100000 42');
    expect(r.body.length).toBe(300_000);
    expect(r.trailers?.['x-done']).toBe('yes');
  });
});

// === the server role against a raw peer ===

describe('server: connection preface and SETTINGS (RFC 9113 §3.4, §6.5)', () => {
  it('a wrong preface: GOAWAY(PROTOCOL_ERROR), and the connection closes', async () => {
    const server = await wireServer();
    const peer = await server.raw();
    peer.send(Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
    expect(peer.frames[0]?.type).toBe(FrameType.SETTINGS); // its own preface went first
  });

  it('a first frame other than SETTINGS: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.raw();
    peer.send(PREFACE, frame(FrameType.PING, 0, 0, Buffer.alloc(8)));
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it("sends its SETTINGS and a connection WINDOW_UPDATE, and ACKs each of the peer's SETTINGS", async () => {
    const server = await wireServer({}, { maxConcurrentStreams: 7, maxHeaderListSize: 9000 });
    const peer = await server.connect();
    expect(settingsOf(peer.frames.find(isSettings) as Frame)).toEqual([
      [Setting.MAX_CONCURRENT_STREAMS, 7],
      [Setting.MAX_HEADER_LIST_SIZE, 9000],
    ]);
    expect(peer.windowUpdates.get(0)).toBe((1 << 20) - DEFAULT_WINDOW);
    // A later SETTINGS, an empty one and one with an unknown identifier: each ACKed.
    peer.send(settingsFrame([[Setting.HEADER_TABLE_SIZE, 0]]), settingsFrame([]), settingsFrame([[unknown<Setting>(0x99), 1]]));
    for (let i = 0; i < 3; i++) await peer.frame('SETTINGS ACK', isSettingsAck);
    await peer.serves(1);
  });

  it.each([
    ['an ACK with a payload', 'FRAME_SIZE_ERROR', frame(FrameType.SETTINGS, Flag.ACK, 0, Buffer.alloc(6))],
    ['a length not a multiple of 6', 'FRAME_SIZE_ERROR', frame(FrameType.SETTINGS, 0, 0, Buffer.alloc(5))],
    ['SETTINGS on a stream', 'PROTOCOL_ERROR', frame(FrameType.SETTINGS, 0, 1, Buffer.alloc(0))],
    ['ENABLE_PUSH 2', 'PROTOCOL_ERROR', settingsFrame([[Setting.ENABLE_PUSH, 2]])],
    ['INITIAL_WINDOW_SIZE 2^31', 'FLOW_CONTROL_ERROR', settingsFrame([[Setting.INITIAL_WINDOW_SIZE, 2 ** 31]])],
    ['MAX_FRAME_SIZE 16383', 'PROTOCOL_ERROR', settingsFrame([[Setting.MAX_FRAME_SIZE, 16_383]])],
    ['MAX_FRAME_SIZE 2^24', 'PROTOCOL_ERROR', settingsFrame([[Setting.MAX_FRAME_SIZE, 2 ** 24]])],
  ] as const)('SETTINGS with %s: GOAWAY(%s)', async (_what, code, bad) => {
    await connectionErrorFor(ErrorCode[code], bad);
  });

  it('INITIAL_WINDOW_SIZE changes the windows of open streams, down below zero and back up (§6.9.2)', async () => {
    const server = await wireServer();
    const peer = await server.connect([[Setting.INITIAL_WINDOW_SIZE, 10]]);
    peer.request(1, get('/bytes/100'));
    await peer.until('10 bytes', () => peer.received(1) >= 10);
    await peer.sync();
    expect(peer.received(1)).toBe(10);
    // 10 sent of a window now 5: -5, and a WINDOW_UPDATE of 5 only brings it to 0.
    peer.send(settingsFrame([[Setting.INITIAL_WINDOW_SIZE, 5]]));
    await peer.frame('SETTINGS ACK', isSettingsAck);
    peer.send(windowUpdateFrame(1, 5));
    await peer.sync();
    expect(peer.received(1)).toBe(10);
    peer.send(settingsFrame([[Setting.INITIAL_WINDOW_SIZE, 1000]]));
    const r = await peer.response(1);
    expect(r.body).toEqual(pattern(100));
  });
});

describe('server: PING (§6.7)', () => {
  it('a peer that floods PINGs and reads nothing is not read either once 1 MiB of answers waits', async () => {
    const server = await wireServer();
    const socket = net.connect({ port: Number(new URL(server.url).port), host: '127.0.0.1' });
    cleanups.push(() => socket.destroy());
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.pause(); // never reads the ACKs
    const ping = frame(FrameType.PING, 0, 0, Buffer.from('floodxyz'));
    const burst = Buffer.concat(Array.from({ length: 100_000 }, () => ping));
    socket.write(Buffer.concat([PREFACE, settingsFrame([])]));
    for (let i = 0; i < 6; i++) socket.write(burst); // ~10 MB of PINGs: more than the kernel's buffers hold
    const session = await until(() => server.sessions[0]);
    await until(() => session.socket.isPaused() || undefined);
    // Answers to at most one more read (64 KiB of PINGs) may join the queue after the limit.
    expect(session.socket.writableLength).toBeLessThan((1 << 20) + 128 * 1024);
    expect(session.destroyed).toBe(false);
  });

  it('is answered with an ACK carrying its payload', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.send(frame(FrameType.PING, 0, 0, Buffer.from('abcdefgh')));
    const ack = await peer.frame('PING', (f) => f.type === FrameType.PING);
    expect(ack.flags).toBe(Flag.ACK);
    expect(ack.payload.toString()).toBe('abcdefgh');
  });

  it('an ACK is not answered', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.send(frame(FrameType.PING, Flag.ACK, 0, Buffer.from('ackack!!')), frame(FrameType.PING, 0, 0, Buffer.from('question')));
    // The first PING back answers the second one sent.
    expect((await peer.frame('PING', (f) => f.type === FrameType.PING)).payload.toString()).toBe('question');
  });

  it.each([
    ['7 bytes long', 'FRAME_SIZE_ERROR', frame(FrameType.PING, 0, 0, Buffer.alloc(7))],
    ['on a stream', 'PROTOCOL_ERROR', frame(FrameType.PING, 0, 1, Buffer.alloc(8))],
  ] as const)('%s: GOAWAY(%s)', async (_what, code, bad) => {
    await connectionErrorFor(ErrorCode[code], bad);
  });
});

describe('server: frame size (§4.2)', () => {
  it('takes a frame of 16 384 bytes', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/sink'), false);
    peer.send(data(1, Buffer.alloc(MIN_FRAME_SIZE), Flag.END_STREAM));
    expect((await peer.response(1)).body.toString()).toBe('16384');
  });

  it('a frame over 16 384 bytes (our MAX_FRAME_SIZE): GOAWAY(FRAME_SIZE_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/sink'), false);
    peer.send(data(1, Buffer.alloc(MIN_FRAME_SIZE + 1)));
    await peer.connectionError(ErrorCode.FRAME_SIZE_ERROR);
  });
});

describe('server: HEADERS and stream identifiers (§5.1.1, §6.2)', () => {
  it('HEADERS on stream 0: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(0, get());
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it('an even stream id from a client: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(2, get());
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it('a stream id lower than one already opened: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    await peer.serves(5);
    peer.request(3, get());
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
    expect(server.opened).toHaveLength(1);
  });

  it('a request on the id of a finished stream: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    await peer.serves(1);
    peer.request(1, get());
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it('trailers for a stream the server reset are decoded and dropped; the connection goes on', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/hold'), false);
    (await server.next()).stream.close(ErrorCode.CANCEL);
    expect(await peer.rst(1)).toBe(ErrorCode.CANCEL);
    // The trailers enter x-later into the table; the next request refers to it by index.
    peer.send(peer.headers(1, ['x-later', 'v']));
    peer.request(3, get('/alive', 'x-later', 'v'));
    expect((await peer.response(3)).body.toString()).toBe('alive');
    expect((await server.next()).headers['x-later']).toBe('v');
  });

  it('parses HEADERS with PADDED and PRIORITY', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    const priority = Buffer.from([0x80, 0, 0, 0, 15]); // exclusive, on stream 0, weight 16
    const block = peer.encoder.encode(get('/alive', 'x-padded', 'both'));
    peer.send(frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM | Flag.PADDED | Flag.PRIORITY, 1, padded(block, 20, priority)));
    expect((await peer.response(1)).body.toString()).toBe('alive');
    const block3 = peer.encoder.encode(get('/alive', 'x-padded', 'only'));
    peer.send(frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM | Flag.PADDED, 3, padded(block3, 255)));
    expect((await peer.response(3)).body.toString()).toBe('alive');
    expect(server.opened.map((o) => o.headers['x-padded'])).toEqual(['both', 'only']);
  });

  it('padding as long as the rest of HEADERS: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    const block = peer.encoder.encode(get());
    const payload = Buffer.concat([Buffer.from([block.length + 1]), block]);
    peer.send(frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM | Flag.PADDED, 1, payload));
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it('padding as long as the rest of DATA: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/sink'), false);
    peer.send(frame(FrameType.DATA, Flag.PADDED, 1, Buffer.from([4, 0, 0, 0])));
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it('HEADERS with PRIORITY too short for it: GOAWAY(FRAME_SIZE_ERROR)', async () => {
    await connectionErrorFor(ErrorCode.FRAME_SIZE_ERROR, frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.PRIORITY, 1, Buffer.from([0, 0, 0])));
  });
});

describe('server: header blocks across CONTINUATION (§6.10)', () => {
  it('takes a block split over HEADERS and three CONTINUATION frames, END_STREAM on the HEADERS', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    const block = peer.encoder.encode(get('/alive', 'x-long', 'l'.repeat(300)));
    const cut = [0, 50, 100, 200, block.length];
    peer.send(
      frame(FrameType.HEADERS, Flag.END_STREAM, 1, block.subarray(cut[0], cut[1])),
      frame(FrameType.CONTINUATION, 0, 1, block.subarray(cut[1], cut[2])),
      frame(FrameType.CONTINUATION, 0, 1, block.subarray(cut[2], cut[3])),
      frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, block.subarray(cut[3], cut[4])),
    );
    expect((await peer.response(1)).body.toString()).toBe('alive');
    const opened = await server.next();
    expect(opened.headers['x-long']).toBe('l'.repeat(300));
    expect(opened.flags & Flag.END_STREAM).toBe(Flag.END_STREAM);
  });

  it.each([
    ['a PING', frame(FrameType.PING, 0, 0, Buffer.alloc(8))],
    ['DATA', data(1, 'x')],
    ['a CONTINUATION for another stream', frame(FrameType.CONTINUATION, Flag.END_HEADERS, 3, Buffer.alloc(0))],
    ['HEADERS for another stream', frame(FrameType.HEADERS, Flag.END_HEADERS, 3, Buffer.from([0x82]))],
    ['an unknown frame type', frame(unknown<FrameType>(0xfa), 0, 0, Buffer.alloc(2))],
  ])('%s inside a header block: GOAWAY(PROTOCOL_ERROR)', async (_what, intruder) => {
    const server = await wireServer();
    const peer = await server.connect();
    const block = peer.encoder.encode(get());
    peer.send(
      frame(FrameType.HEADERS, Flag.END_STREAM, 1, block.subarray(0, 3)),
      intruder,
      frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, block.subarray(3)),
    );
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it('a CONTINUATION with no HEADERS before it: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.send(frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, peer.encoder.encode(get())));
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it('a CONTINUATION after a block that ended: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.send(peer.headers(1, get('/hold')), frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, Buffer.alloc(0)));
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it.each([
    ['1.6 MB in CONTINUATION frames of 16 384 bytes', 100, MIN_FRAME_SIZE],
    ['300 000 empty CONTINUATION frames', 300_000, 0],
  ])('a CONTINUATION flood (%s): GOAWAY(ENHANCE_YOUR_CALM) once the block passes its limit', async (_what, frames, size) => {
    const server = await wireServer({}, { maxHeaderListSize: 4096 });
    const peer = await server.connect();
    const one = frame(FrameType.CONTINUATION, 0, 1, Buffer.alloc(size, 0x41));
    peer.send(frame(FrameType.HEADERS, 0, 1, peer.encoder.encode(get())), Buffer.concat(Array.from({ length: frames }, () => one)));
    // The block never ends, so the GOAWAY can only come from its limit (2 × 4096 + 16 384 octets here).
    await peer.connectionError(ErrorCode.ENHANCE_YOUR_CALM);
  });
});

describe('server: HPACK (§4.3)', () => {
  it.each([
    ['index 0', [0x80]],
    ['an index past both tables', [0xbe]],
    ['a table size update above our limit', [0x3f, 0xe2, 0x1f]],
    ['a literal cut short', [0x00, 0x05, 0x61]],
    ['an integer that overflows', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]],
  ])('%s: GOAWAY(COMPRESSION_ERROR)', async (_what, bytes) => {
    await connectionErrorFor(ErrorCode.COMPRESSION_ERROR, frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, Buffer.from(bytes)));
  });
});

describe('server: malformed requests (§8.1.1, §8.2, §8.3): RST_STREAM(PROTOCOL_ERROR), and the connection serves on', () => {
  it.each([
    ['an upper-case field name', get('/alive', 'X-Upper', 'v')],
    ['connection', get('/alive', 'connection', 'keep-alive')],
    ['transfer-encoding', get('/alive', 'transfer-encoding', 'chunked')],
    ['upgrade', get('/alive', 'upgrade', 'h2c')],
    ['te: gzip', get('/alive', 'te', 'gzip')],
    ['no :method', [':scheme', 'http', ':authority', 'a', ':path', '/alive']],
    ['no :path', [':method', 'GET', ':scheme', 'http', ':authority', 'a']],
    ['no :scheme', [':method', 'GET', ':authority', 'a', ':path', '/alive']],
    ['an unknown pseudo-header', get('/alive', ':foo', 'x')],
    ['a pseudo-header after a regular field', [':method', 'GET', 'x-a', '1', ':scheme', 'http', ':path', '/alive']],
    ['a duplicated :path', get('/alive', ':path', '/alive')],
    ['CR in a value', get('/alive', 'x-a', 'a\rb')],
    ['LF in a value', get('/alive', 'x-a', 'a\nb')],
    ['NUL in a value', get('/alive', 'x-a', 'a\0b')],
    ['a content-length but END_STREAM on the HEADERS', get('/alive', 'content-length', '5')],
    ['a content-length that is no number', get('/alive', 'content-length', '5x')],
  ])('%s', async (_what, fields) => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, fields);
    expect(await peer.rst(1)).toBe(ErrorCode.PROTOCOL_ERROR);
    await peer.serves(3);
    expect(server.opened.map((o) => o.headers[':path'])).toEqual(['/alive']); // the handler never saw stream 1
  });

  it.each([
    ['more DATA than content-length', '3', [data(1, 'abcde', Flag.END_STREAM)]],
    ['more DATA than content-length, over two frames', '3', [data(1, 'ab'), data(1, 'cd')]],
    ['less DATA than content-length', '5', [data(1, 'abc', Flag.END_STREAM)]],
    ['less DATA than content-length, then trailers', '5', [data(1, 'abc')]],
  ])('%s', async (what, length, frames) => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/sink', 'content-length', length), false);
    peer.send(...frames);
    if (what.endsWith('trailers')) peer.send(peer.headers(1, ['x-t', '1']));
    expect(await peer.rst(1)).toBe(ErrorCode.PROTOCOL_ERROR);
    await peer.serves(3);
  });

  it('trailers without END_STREAM', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/hold'), false);
    peer.send(peer.headers(1, ['x-t', '1'], Flag.END_HEADERS));
    expect(await peer.rst(1)).toBe(ErrorCode.PROTOCOL_ERROR);
    await peer.serves(3);
  });

  it('trailers with a pseudo-header', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/hold'), false);
    peer.send(peer.headers(1, [':path', '/x']));
    expect(await peer.rst(1)).toBe(ErrorCode.PROTOCOL_ERROR);
    await peer.serves(3);
  });

  it('HEADERS on a stream the client already ended: RST_STREAM(STREAM_CLOSED)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, get('/hold'));
    await server.next();
    peer.send(peer.headers(1, ['x-t', '1']));
    expect(await peer.rst(1)).toBe(ErrorCode.STREAM_CLOSED);
    await peer.serves(3);
  });
});

describe('server: limits', () => {
  it('a header list over maxHeaderListSize is answered 431; RST_STREAM(NO_ERROR) when the request was not over', async () => {
    const server = await wireServer({}, { maxHeaderListSize: 2000 });
    const peer = await server.connect();
    peer.request(1, get('/alive', 'x-big', 'a'.repeat(3000)));
    const r1 = await peer.response(1);
    expect(r1.headers[':status']).toBe('431');
    expect(r1.frames.map((f) => f.type)).toEqual([FrameType.HEADERS]);
    peer.request(3, post('/sink', 'x-big', 'b'.repeat(3000)), false);
    expect((await peer.response(3)).headers[':status']).toBe('431');
    expect(await peer.rst(3)).toBe(ErrorCode.NO_ERROR);
    peer.send(data(3, 'late', Flag.END_STREAM)); // in flight when the reset went out: ignored
    await peer.serves(5);
    expect(server.opened).toHaveLength(1);
  });

  it('a stream past maxConcurrentStreams: RST_STREAM(REFUSED_STREAM); one more fits once a stream is done', async () => {
    const server = await wireServer({}, { maxConcurrentStreams: 2 });
    const peer = await server.connect();
    peer.request(1, get('/hold'));
    peer.request(3, get('/hold'));
    const first = await server.next();
    await server.next();
    peer.request(5, get());
    expect(await peer.rst(5)).toBe(ErrorCode.REFUSED_STREAM);
    first.stream.respond({ ':status': 204 }, { endStream: true });
    expect((await peer.response(1)).headers[':status']).toBe('204');
    await peer.serves(7);
  });
});

describe('server: DATA (§6.1) and receive flow control (§6.9)', () => {
  it('DATA on stream 0: GOAWAY(PROTOCOL_ERROR)', async () => {
    await connectionErrorFor(ErrorCode.PROTOCOL_ERROR, data(0, 'x'));
  });

  it('DATA on an idle stream: GOAWAY(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    await peer.serves(1);
    peer.send(data(9, 'x'));
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it('DATA past the stream window: RST_STREAM(FLOW_CONTROL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/hold'), false);
    await peer.sendBody(1, DEFAULT_WINDOW, false); // the whole window: fine
    await peer.sync();
    expect(peer.frames.some((f) => f.type === FrameType.RST_STREAM)).toBe(false);
    peer.send(data(1, 'x'));
    expect(await peer.rst(1)).toBe(ErrorCode.FLOW_CONTROL_ERROR);
    await peer.serves(3);
  });

  it('DATA after END_STREAM: RST_STREAM(STREAM_CLOSED)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, get('/hold'));
    const held = await server.next();
    peer.send(data(1, 'late'));
    expect(await peer.rst(1)).toBe(ErrorCode.STREAM_CLOSED);
    expect(held.stream.rstCode).toBe(ErrorCode.STREAM_CLOSED);
    await peer.serves(3);
  });

  it('padded DATA: the padding counts against the stream window and is given back at once', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/paused'), false);
    const paused = await server.next();
    // 128 frames of 4 data octets and 255 of padding: 128 × 256 = 32 768 octets of padding (with its length octet),
    // half the window, which the session gives back though the reader, paused, consumed nothing.
    const one = frame(FrameType.DATA, Flag.PADDED, 1, padded(Buffer.from('abcd'), 255));
    peer.send(...Array.from({ length: 128 }, () => one));
    await peer.frame('WINDOW_UPDATE on 1', (f) => f.type === FrameType.WINDOW_UPDATE && f.stream === 1);
    await peer.sync();
    expect(peer.windowUpdates.get(1)).toBe(128 * 256);
    paused.stream.resume();
    peer.send(data(1, '', Flag.END_STREAM));
    expect((await peer.response(1)).body.toString()).toBe(String(128 * 4));
  });

  it('padding alone past the stream window: RST_STREAM(FLOW_CONTROL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/hold'), false);
    await peer.sendBody(1, DEFAULT_WINDOW - 10, false);
    peer.send(frame(FrameType.DATA, Flag.PADDED, 1, padded(Buffer.alloc(0), 10))); // 11 octets, no data
    expect(await peer.rst(1)).toBe(ErrorCode.FLOW_CONTROL_ERROR);
    await peer.serves(3);
  });

  it('a peer ignoring flow control: the stream window stops it; the connection window, given back as DATA arrives, never runs out', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/hold'), false);
    const one = data(1, Buffer.alloc(MIN_FRAME_SIZE));
    peer.send(...Array.from({ length: 128 }, () => one)); // 2 MiB, twice the connection window
    expect(await peer.rst(1)).toBe(ErrorCode.FLOW_CONTROL_ERROR);
    await peer.serves(3);
    expect(peer.frames.some((f) => f.type === FrameType.GOAWAY)).toBe(false);
    expect(peer.windowUpdates.get(0)).toBeGreaterThan(1 << 20);
  });

  it('a body larger than the stream window arrives whole: WINDOW_UPDATEs follow the reads', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/sink'), false);
    await peer.sendBody(1, 200_000);
    expect((await peer.response(1)).body.toString()).toBe('200000');
    expect(peer.windowUpdates.get(1)).toBeGreaterThanOrEqual(200_000 - DEFAULT_WINDOW);
  });

  it('a paused reader holds the stream window closed; resume() opens it', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/paused'), false);
    const paused = await server.next();
    await peer.sendBody(1, DEFAULT_WINDOW, false);
    await peer.sync();
    expect(peer.windowUpdates.get(1)).toBeUndefined();
    paused.stream.resume();
    await peer.frame('WINDOW_UPDATE on 1', (f) => f.type === FrameType.WINDOW_UPDATE && f.stream === 1);
    await peer.sendBody(1, 20_000);
    expect((await peer.response(1)).body.toString()).toBe(String(DEFAULT_WINDOW + 20_000));
  });

  it('the connection window is given back as DATA arrives: 1.2 MB on two streams, past its 1 MiB', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/sink'), false);
    peer.request(3, post('/sink'), false);
    await Promise.all([peer.sendBody(1, 600_000), peer.sendBody(3, 600_000)]);
    expect((await peer.response(1)).body.toString()).toBe('600000');
    expect((await peer.response(3)).body.toString()).toBe('600000');
    expect(peer.windowUpdates.get(0)).toBeGreaterThan(1 << 20);
  });
});

describe('server: send flow control (§6.9)', () => {
  it('DATA stays within the stream window: it stops, and each WINDOW_UPDATE lets exactly that much more go', async () => {
    const server = await wireServer();
    const peer = await server.connect([[Setting.INITIAL_WINDOW_SIZE, 100]]);
    peer.request(1, get('/bytes/1000'));
    await peer.until('100 bytes', () => peer.received(1) >= 100);
    await peer.sync();
    expect(peer.received(1)).toBe(100);
    peer.send(windowUpdateFrame(1, 300));
    await peer.until('400 bytes', () => peer.received(1) >= 400);
    await peer.sync();
    expect(peer.received(1)).toBe(400);
    peer.send(windowUpdateFrame(1, 600));
    expect((await peer.response(1)).body).toEqual(pattern(1000));
  });

  it('DATA stays within the connection window', async () => {
    const server = await wireServer();
    const peer = await server.connect([[Setting.INITIAL_WINDOW_SIZE, 1 << 20]]);
    peer.request(1, get('/bytes/100000'));
    await peer.until('65 535 bytes', () => peer.received(1) >= DEFAULT_WINDOW);
    await peer.sync();
    expect(peer.received(1)).toBe(DEFAULT_WINDOW);
    peer.send(windowUpdateFrame(0, 100_000 - DEFAULT_WINDOW));
    const r = await peer.response(1);
    expect(r.body.equals(pattern(100_000))).toBe(true);
    expect(Math.max(...r.frames.map((f) => f.payload.length))).toBe(MIN_FRAME_SIZE);
  });

  it.each([
    ['the default 16 384', undefined, MIN_FRAME_SIZE],
    ['20 000', 20_000, 20_000],
  ])("a large response is split at the peer's MAX_FRAME_SIZE (%s)", async (_what, maxFrame, expected) => {
    const server = await wireServer();
    const ours: [Setting, number][] = [[Setting.INITIAL_WINDOW_SIZE, 1 << 20]];
    if (maxFrame !== undefined) ours.push([Setting.MAX_FRAME_SIZE, maxFrame]);
    const peer = await server.connect(ours);
    peer.send(windowUpdateFrame(0, 1 << 20));
    peer.request(1, get('/bytes/100000'));
    const r = await peer.response(1);
    const sizes = r.frames.filter((f) => f.type === FrameType.DATA).map((f) => f.payload.length);
    expect(sizes.slice(0, -1).every((n) => n === expected)).toBe(true);
    expect(sizes.reduce((a, b) => a + b)).toBe(100_000);
  });

  it("a header block over the peer's MAX_FRAME_SIZE goes out as HEADERS and CONTINUATION", async () => {
    const big = 'h'.repeat(40_000);
    const server = await wireServer({
      '/big-head': (stream) => {
        stream.respond({ ':status': 200, 'x-big': big });
        stream.end();
      },
    });
    const peer = await server.connect();
    peer.request(1, get('/big-head'));
    const r = await peer.response(1);
    expect(r.headers['x-big']).toBe(big);
    const block = peer.frames.filter((f) => f.stream === 1 && f.type !== FrameType.DATA);
    expect(block.map((f) => f.type)).toEqual([FrameType.HEADERS, ...block.slice(1).map(() => FrameType.CONTINUATION)]);
    expect(block.length).toBeGreaterThan(1);
    expect(block[0]?.payload.length).toBe(MIN_FRAME_SIZE);
    expect(block.every((f) => f.payload.length <= MIN_FRAME_SIZE)).toBe(true);
    expect(block.map((f) => f.flags & Flag.END_HEADERS)).toEqual([...block.slice(1).map(() => 0), Flag.END_HEADERS]);
  });

  it('WINDOW_UPDATE of 0 on a stream: RST_STREAM(PROTOCOL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, get('/hold'));
    await server.next();
    peer.send(windowUpdateFrame(1, 0));
    expect(await peer.rst(1)).toBe(ErrorCode.PROTOCOL_ERROR);
    await peer.serves(3);
  });

  it('a stream window past 2^31−1: RST_STREAM(FLOW_CONTROL_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, get('/hold'));
    await server.next();
    peer.send(windowUpdateFrame(1, MAX_WINDOW));
    expect(await peer.rst(1)).toBe(ErrorCode.FLOW_CONTROL_ERROR);
    await peer.serves(3);
  });

  it.each([
    ['of 0 on the connection', 'PROTOCOL_ERROR', windowUpdateFrame(0, 0)],
    ['taking the connection window past 2^31−1', 'FLOW_CONTROL_ERROR', windowUpdateFrame(0, MAX_WINDOW)],
    ['of 3 bytes', 'FRAME_SIZE_ERROR', frame(FrameType.WINDOW_UPDATE, 0, 0, Buffer.alloc(3, 1))],
    ['on an idle stream', 'PROTOCOL_ERROR', windowUpdateFrame(9, 1)],
  ] as const)('WINDOW_UPDATE %s: GOAWAY(%s)', async (_what, code, bad) => {
    await connectionErrorFor(ErrorCode[code], bad);
  });
});

describe('server: RST_STREAM (§6.4)', () => {
  it.each([
    ['CANCEL', ErrorCode.CANCEL, false],
    ['NO_ERROR', ErrorCode.NO_ERROR, false],
    ['INTERNAL_ERROR', ErrorCode.INTERNAL_ERROR, true],
    ['REFUSED_STREAM', ErrorCode.REFUSED_STREAM, true],
  ])('from the client with %s closes the stream with that rstCode (an error: %s)', async (_what, code, error) => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/hold'), false);
    const { stream } = await server.next();
    const errors: unknown[] = [];
    stream.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code));
    const closed = closing(stream);
    peer.send(rstStreamFrame(1, code));
    await closed;
    expect(stream.rstCode).toBe(code);
    expect(errors).toEqual(error ? ['ERR_HTTP2_STREAM_ERROR'] : []);
    await peer.serves(3);
  });

  it.each([
    ['on stream 0', 'PROTOCOL_ERROR', rstStreamFrame(0, ErrorCode.CANCEL)],
    ['on an idle stream', 'PROTOCOL_ERROR', rstStreamFrame(5, ErrorCode.CANCEL)],
    ['of 5 bytes', 'FRAME_SIZE_ERROR', frame(FrameType.RST_STREAM, 0, 1, Buffer.alloc(5))],
  ] as const)('%s: GOAWAY(%s)', async (_what, code, bad) => {
    const server = await wireServer();
    const peer = await server.connect();
    await peer.serves(1);
    peer.send(bad);
    await peer.connectionError(ErrorCode[code]);
  });

  it('on a stream that is done already: ignored', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    await peer.serves(1);
    peer.send(rstStreamFrame(1, ErrorCode.CANCEL));
    await peer.serves(3);
  });
});

describe('server: GOAWAY (§6.8)', () => {
  it('closes the socket a second after a connection error even when the peer reads nothing', async () => {
    vi.useFakeTimers();
    try {
      const socket = stuckSocket();
      const session = new WireSession(socket as unknown as net.Socket, 'server', { settings: { maxHeaderListSize: 65536 } });
      session.on('error', () => {});
      socket.emit('data', Buffer.concat([PREFACE, settingsFrame([]), frame(FrameType.PING, 0, 1, Buffer.alloc(8))]));
      await Promise.resolve();
      const out = Buffer.concat(socket.written);
      expect(out.includes(goawayFrame(0, ErrorCode.PROTOCOL_ERROR))).toBe(true);
      expect([socket.ended, socket.destroyed]).toEqual([true, false]);
      vi.advanceTimersByTime(999);
      expect(socket.destroyed).toBe(false);
      vi.advanceTimersByTime(1);
      expect(socket.destroyed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a gracefully closed session whose peer reads nothing closes its socket at the idle timeout', async () => {
    const socket = stuckSocket();
    const session = new WireSession(socket as unknown as net.Socket, 'server', { settings: { maxHeaderListSize: 65536 } });
    let idle = 0;
    session.setTimeout(5000, () => idle++);
    socket.emit('data', Buffer.concat([PREFACE, settingsFrame([])]));
    session.close();
    await Promise.resolve();
    expect([socket.ended, socket.destroyed]).toEqual([true, false]); // the GOAWAY waits for the peer
    socket.emit('timeout');
    expect([socket.destroyed, idle]).toEqual([true, 0]);
  });

  it('close(): GOAWAY(NO_ERROR) naming the last stream; new streams are refused, those in flight finish, then the socket closes', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, get('/hold'));
    const held = await server.next();
    const sessionClosed = closing(server.sessions[0] as WireSession);
    server.sessions[0]?.close();
    expect(await peer.goaway()).toEqual({ last: 1, code: ErrorCode.NO_ERROR });
    peer.request(3, get());
    expect(await peer.rst(3)).toBe(ErrorCode.REFUSED_STREAM);
    expect(peer.closed).toBe(false);
    held.stream.respond({ ':status': 200 });
    held.stream.end('finished');
    expect((await peer.response(1)).body.toString()).toBe('finished');
    await peer.whenClosed();
    await sessionClosed;
  });

  it('a GOAWAY from the client: the session closes once its streams are done', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, get('/hold'));
    const held = await server.next();
    const goaway = once(server.sessions[0] as WireSession, 'goaway');
    peer.send(goawayFrame(0, ErrorCode.NO_ERROR));
    expect(await goaway).toEqual([ErrorCode.NO_ERROR, 0]);
    held.stream.respond({ ':status': 204 }, { endStream: true });
    expect((await peer.response(1)).headers[':status']).toBe('204');
    await peer.whenClosed();
  });

  it('a connection error names the last stream the server took in its GOAWAY', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    await peer.serves(1);
    peer.request(5, get('/hold'));
    await server.next();
    peer.send(data(0, 'x'));
    expect(await peer.goaway()).toEqual({ last: 5, code: ErrorCode.PROTOCOL_ERROR });
  });
});

describe('server: frames to ignore (§4.1, §5.5, §6.3)', () => {
  it('unknown frame types, with any flags, on the connection and on streams', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/sink'), false);
    peer.send(
      frame(unknown<FrameType>(0xfa), 0xff, 0, Buffer.from('ext')),
      frame(unknown<FrameType>(0x20), 0, 1, Buffer.alloc(100)),
      frame(unknown<FrameType>(0xfb), 0, 99, Buffer.alloc(0)),
    );
    peer.send(data(1, 'body', Flag.END_STREAM));
    expect((await peer.response(1)).body.toString()).toBe('4');
    await peer.serves(3);
  });

  it('PRIORITY frames, on idle and on open streams', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    const priority = (stream: number, on: number): Buffer => frame(FrameType.PRIORITY, 0, stream, Buffer.from([0, 0, 0, on, 200]));
    peer.send(priority(7, 0));
    peer.request(1, post('/sink'), false);
    peer.send(priority(1, 7), priority(3, 1), data(1, 'ab', Flag.END_STREAM));
    expect((await peer.response(1)).body.toString()).toBe('2');
    await peer.serves(3);
  });

  it('PRIORITY of 4 bytes: RST_STREAM(FRAME_SIZE_ERROR)', async () => {
    const server = await wireServer();
    const peer = await server.connect();
    peer.request(1, post('/hold'), false);
    const { stream } = await server.next();
    peer.send(frame(FrameType.PRIORITY, 0, 1, Buffer.alloc(4)));
    expect(await peer.rst(1)).toBe(ErrorCode.FRAME_SIZE_ERROR);
    expect(stream.rstCode).toBe(ErrorCode.FRAME_SIZE_ERROR);
    await peer.serves(3);
  });

  it('PRIORITY on stream 0: GOAWAY(PROTOCOL_ERROR)', async () => {
    await connectionErrorFor(ErrorCode.PROTOCOL_ERROR, frame(FrameType.PRIORITY, 0, 0, Buffer.alloc(5)));
  });
});

describe('relayTo: a body handed to a sink with backpressure', () => {
  it('writes every chunk in order, waits for drain after a refused write, ends the sink once', async () => {
    const writes: Buffer[] = [];
    const events: string[] = [];
    const sink = new EventEmitter() as EventEmitter & { write(chunk: Buffer): boolean; end(): void };
    let full = false;
    sink.write = (chunk: Buffer) => {
      if (full) events.push('write while full');
      writes.push(chunk);
      full = writes.length % 2 === 1; // every other write is refused
      if (full) setTimeout(() => ((full = false), sink.emit('drain')), 2);
      return !full;
    };
    sink.end = () => void events.push('end');
    const seen: number[] = [];
    const server = await wireServer({
      '/relay': (stream) => {
        stream.on('data', (chunk: Buffer) => seen.push(chunk.length)); // listeners still see every chunk
        stream.relayTo(sink);
        stream.on('end', () => {
          stream.respond({ ':status': 200 });
          stream.end(String(Buffer.concat(writes).length));
        });
      },
    });
    const peer = await server.connect();
    peer.request(1, post('/relay'), false);
    await peer.sendBody(1, 200_000);
    expect((await peer.response(1)).body.toString()).toBe('200000');
    expect(Buffer.concat(writes).equals(Buffer.alloc(200_000, 0x62))).toBe(true);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(events).toEqual(['end']);
    expect(writes.length).toBeGreaterThan(2);
  });
});

describe('server: trailers', () => {
  it("response trailers: respond({ waitForTrailers }), 'wantTrailers', sendTrailers", async () => {
    const server = await wireServer({
      '/trailers': (stream) => {
        stream.respond({ ':status': 200 }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'x-checksum': 'c0ffee' }));
        stream.end('body');
      },
    });
    const peer = await server.connect();
    peer.request(1, get('/trailers'));
    const r = await peer.response(1);
    expect(r.frames.map((f) => [f.type, f.flags & Flag.END_STREAM])).toEqual([
      [FrameType.HEADERS, 0],
      [FrameType.DATA, 0],
      [FrameType.HEADERS, Flag.END_STREAM],
    ]);
    expect(r.body.toString()).toBe('body');
    expect(r.trailers).toEqual({ 'x-checksum': 'c0ffee' });
  });

  it('request trailers reach the handler, as trailers, before end', async () => {
    const server = await wireServer({
      '/events': (stream) => {
        const events: string[] = [];
        stream.on('data', (chunk: Buffer) => events.push(`data ${chunk.toString()}`));
        stream.on('trailers', (t: IncomingHttpHeaders) => events.push(`trailers ${JSON.stringify(t)}`));
        stream.on('end', () => {
          events.push('end');
          stream.respond({ ':status': 200 });
          stream.end(events.join(' | '));
        });
      },
    });
    const peer = await server.connect();
    peer.request(1, post('/events'), false);
    peer.send(data(1, 'abc'), peer.headers(1, ['x-r', '1']));
    expect((await peer.response(1)).body.toString()).toBe('data abc | trailers {"x-r":"1"} | end');
  });

  it.each([
    ['after a body', 'body'],
    ['without a body', ''],
  ])('sendTrailers({}) ends the stream with END_STREAM on DATA and no HEADERS (%s)', async (_what, body) => {
    const server = await wireServer({
      '/no-trailers': (stream) => {
        stream.respond({ ':status': 200 }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({}));
        stream.end(body);
      },
    });
    const peer = await server.connect();
    peer.request(1, get('/no-trailers'));
    const r = await peer.response(1);
    expect(r.frames.filter((f) => f.type === FrameType.HEADERS)).toHaveLength(1);
    expect(r.frames.at(-1)?.type).toBe(FrameType.DATA);
    expect(r.body.toString()).toBe(body);
    expect(r.trailers).toBeUndefined();
  });
});

// === the client role against a raw server ===

/** A WireSession client connected to a scripted raw server, past the SETTINGS exchange. */
async function clientPair(): Promise<{ session: WireSession; peer: Peer }> {
  let accepted = (_peer: Peer): void => {};
  const accepting = new Promise<Peer>((resolve) => (accepted = resolve));
  const server = net.createServer({ noDelay: true }, (socket) => accepted(new Peer(socket, true)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => server.close());
  const session = await wireClient((server.address() as net.AddressInfo).port);
  const peer = await accepting;
  await peer.frame("the client's SETTINGS", isSettings);
  peer.send(settingsFrame([]), SETTINGS_ACK);
  await peer.frame('the ACK of our SETTINGS', isSettingsAck);
  return { session, peer };
}

/** The client's request HEADERS on `stream`, decoded. */
async function requestOn(peer: Peer, stream: number): Promise<Record<string, string>> {
  const f = await peer.frame(`the request on ${stream}`, (f) => f.stream === stream && f.fields !== undefined);
  return fieldObject(f.fields as string[]);
}

/** Everything a client stream tells, in order. */
function record(stream: WireStream): string[] {
  const events: string[] = [];
  stream.on('headers', (h: IncomingHttpHeaders) => events.push(`headers ${String(h[':status'])}`));
  stream.on('response', (h: IncomingHttpHeaders, flags: number) => {
    events.push(`response ${String(h[':status'])}${flags & Flag.END_STREAM ? ' end' : ''}`);
    stream.on('data', (chunk: Buffer) => events.push(`data ${chunk.toString()}`));
  });
  stream.on('end', () => events.push('end'));
  stream.on('error', (err: NodeJS.ErrnoException) => events.push(`error ${String(err.code)}`));
  stream.on('close', () => events.push(`close ${String(stream.rstCode)}`));
  return events;
}

describe('client role against a raw server', () => {
  it('opens with the preface, SETTINGS (ENABLE_PUSH 0) and a connection WINDOW_UPDATE', async () => {
    const { peer } = await clientPair();
    expect(peer.preface).toEqual(PREFACE);
    const settings = peer.frames[0] as Frame;
    expect(isSettings(settings)).toBe(true);
    const entries = settingsOf(settings);
    expect(entries).toContainEqual([Setting.ENABLE_PUSH, 0]);
    expect(entries).toContainEqual([Setting.MAX_HEADER_LIST_SIZE, 65536]);
    expect(peer.frames[1]?.type).toBe(FrameType.WINDOW_UPDATE);
    expect(peer.windowUpdates.get(0)).toBe((1 << 20) - DEFAULT_WINDOW);
  });

  it("a 1xx response: 'headers', then 'response'", async () => {
    const { session, peer } = await clientPair();
    const stream = session.request(requestHead, { endStream: true });
    const events = record(stream);
    expect(await requestOn(peer, 1)).toEqual({ ':method': 'GET', ':scheme': 'http', ':authority': 'x', ':path': '/p' });
    peer.send(
      frame(FrameType.HEADERS, Flag.END_HEADERS, 1, peer.encoder.encode([':status', '103', 'link', '</s.css>'])),
      frame(FrameType.HEADERS, Flag.END_HEADERS, 1, peer.encoder.encode([':status', '200'])),
      data(1, 'ok', Flag.END_STREAM),
    );
    await closing(stream);
    expect(events).toEqual(['headers 103', 'response 200', 'data ok', 'end', 'close 0']);
  });

  it('a response with END_STREAM on its HEADERS', async () => {
    const { session, peer } = await clientPair();
    const stream = session.request(requestHead, { endStream: true });
    const events = record(stream);
    await requestOn(peer, 1);
    peer.send(frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, peer.encoder.encode([':status', '204'])));
    await closing(stream);
    expect(events).toEqual(['response 204 end', 'end', 'close 0']);
  });

  it("a GOAWAY below an open stream: that stream closes with REFUSED_STREAM, 'goaway' is emitted, request() throws", async () => {
    const { session, peer } = await clientPair();
    const s1 = session.request(requestHead, { endStream: true });
    const s3 = session.request(requestHead, { endStream: true });
    const e1 = record(s1);
    const e3 = record(s3);
    await requestOn(peer, 3);
    const goaway = once(session, 'goaway');
    const s3closed = closing(s3);
    peer.send(goawayFrame(1, ErrorCode.NO_ERROR));
    expect(await goaway).toEqual([ErrorCode.NO_ERROR, 1]);
    await s3closed;
    expect(s3.rstCode).toBe(ErrorCode.REFUSED_STREAM);
    expect(e3).toEqual(['error ERR_HTTP2_GOAWAY_SESSION', 'close 7']);
    let thrown: NodeJS.ErrnoException | undefined;
    try {
      session.request(requestHead);
    } catch (err) {
      thrown = err as NodeJS.ErrnoException;
    }
    expect(thrown?.code).toBe('ERR_HTTP2_INVALID_SESSION');
    // Stream 1, at or below the last id, finishes; then the session closes.
    peer.send(frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, peer.encoder.encode([':status', '200'])));
    await closing(s1);
    expect(e1).toEqual(['response 200 end', 'end', 'close 0']);
    await peer.whenClosed();
  });

  it("RST_STREAM(INTERNAL_ERROR) from the server: 'error' ERR_HTTP2_STREAM_ERROR and rstCode 2", async () => {
    const { session, peer } = await clientPair();
    const stream = session.request(requestHead, { endStream: true });
    const events = record(stream);
    await requestOn(peer, 1);
    peer.send(rstStreamFrame(1, ErrorCode.INTERNAL_ERROR));
    await closing(stream);
    expect(events).toEqual(['error ERR_HTTP2_STREAM_ERROR', 'close 2']);
  });

  it('the socket closing mid-response aborts the open streams', async () => {
    const { session, peer } = await clientPair();
    const stream = session.request(requestHead, { endStream: true });
    const other = session.request(requestHead, { endStream: true });
    const events = record(stream);
    await requestOn(peer, 3);
    peer.send(frame(FrameType.HEADERS, Flag.END_HEADERS, 1, peer.encoder.encode([':status', '200'])), data(1, 'part'));
    await once(stream, 'data');
    peer.socket.destroy();
    await Promise.all([closing(stream), closing(other), closing(session)]);
    expect(events).toEqual(['response 200', 'data part', 'error ECONNRESET', 'close 2']);
    expect(other.rstCode).not.toBe(ErrorCode.NO_ERROR);
  });

  it('a PUSH_PROMISE: GOAWAY(PROTOCOL_ERROR)', async () => {
    const { session, peer } = await clientPair();
    const stream = session.request(requestHead, { endStream: true });
    const events = record(stream);
    await requestOn(peer, 1);
    const promised = Buffer.concat([Buffer.from([0, 0, 0, 2]), peer.encoder.encode(get('/pushed'))]); // promised stream 2
    const closed = closing(stream);
    peer.send(frame(FrameType.PUSH_PROMISE, Flag.END_HEADERS, 1, promised));
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
    await closed;
    expect(events.at(-1)).toBe(`close ${ErrorCode.PROTOCOL_ERROR}`);
  });

  it('DATA before the response HEADERS: RST_STREAM(PROTOCOL_ERROR), and the connection goes on', async () => {
    const { session, peer } = await clientPair();
    const stream = session.request(requestHead, { endStream: true });
    const events = record(stream);
    await requestOn(peer, 1);
    const closed = closing(stream);
    peer.send(data(1, 'early'));
    expect(await peer.rst(1)).toBe(ErrorCode.PROTOCOL_ERROR);
    await closed;
    expect(events).toEqual(['error ERR_HTTP2_STREAM_ERROR', 'close 1']);
    const next = session.request(requestHead, { endStream: true });
    await requestOn(peer, 3);
    peer.send(frame(FrameType.HEADERS, Flag.END_HEADERS, 3, peer.encoder.encode([':status', '200'])), data(3, 'fine', Flag.END_STREAM));
    expect((await collectWire(next)).body).toBe('fine');
  });

  it('content-length against the DATA: checked for GET (RST_STREAM(PROTOCOL_ERROR)), not for a response to HEAD (§8.1.1)', async () => {
    const { session, peer } = await clientPair();
    const get1 = session.request(requestHead, { endStream: true });
    const head = session.request({ ...requestHead, ':method': 'HEAD' }, { endStream: true });
    const events = record(head);
    await requestOn(peer, 3);
    const getClosed = closing(get1);
    const headClosed = closing(head);
    peer.send(
      peer.headers(1, [':status', '200', 'content-length', '10'], Flag.END_HEADERS),
      data(1, 'short', Flag.END_STREAM),
      peer.headers(3, [':status', '200', 'content-length', '10'], Flag.END_HEADERS),
      data(3, '', Flag.END_STREAM),
    );
    expect(await peer.rst(1)).toBe(ErrorCode.PROTOCOL_ERROR);
    await Promise.all([getClosed, headClosed]);
    expect(get1.rstCode).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(events).toEqual(['response 200', 'end', 'close 0']);
  });

  it('RST_STREAM(NO_ERROR) after a complete response, the request body still unsent: the response is read whole (§8.1)', async () => {
    const { session, peer } = await clientPair();
    const stream = session.request({ ...requestHead, ':method': 'POST' });
    stream.write('the start of a body');
    const events: string[] = [];
    stream.on('response', (h: IncomingHttpHeaders) => {
      events.push(`response ${String(h[':status'])}`);
      stream.pause(); // a reader held back, as by a slow client downstream
      stream.on('data', (chunk: Buffer) => events.push(`data ${chunk.toString()}`));
    });
    stream.on('end', () => events.push('end'));
    stream.on('error', (err: NodeJS.ErrnoException) => events.push(`error ${String(err.code)}`));
    const closed = closing(stream);
    await peer.frame('the request body', (f) => f.type === FrameType.DATA && f.stream === 1);
    peer.send(peer.headers(1, [':status', '413'], Flag.END_HEADERS), data(1, 'too large', Flag.END_STREAM), rstStreamFrame(1, ErrorCode.NO_ERROR));
    await peer.sync();
    stream.write('more'); // dropped: the server asked for no more
    stream.resume();
    await closed;
    expect(events).toEqual(['response 413', 'data too large', 'end']);
    expect(stream.rstCode).toBe(ErrorCode.NO_ERROR);
    await peer.sync();
    expect(peer.received(1)).toBe('the start of a body'.length);
  });

  it('ENABLE_PUSH 1 from a server: GOAWAY(PROTOCOL_ERROR)', async () => {
    const { peer } = await clientPair();
    peer.send(settingsFrame([[Setting.ENABLE_PUSH, 1]]));
    await peer.connectionError(ErrorCode.PROTOCOL_ERROR);
  });

  it('a response header block from the server decoded across CONTINUATION, and a malformed response: RST_STREAM(PROTOCOL_ERROR)', async () => {
    const { session, peer } = await clientPair();
    const good = session.request(requestHead, { endStream: true });
    const bad = session.request(requestHead, { endStream: true });
    await requestOn(peer, 3);
    const badClosed = closing(bad);
    const block = peer.encoder.encode([':status', '200', 'x-long', 'q'.repeat(100)]);
    peer.send(
      frame(FrameType.HEADERS, 0, 1, block.subarray(0, 20)),
      frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, block.subarray(20)),
      data(1, 'ok', Flag.END_STREAM),
      peer.headers(3, [':status', '200', 'connection', 'close'], Flag.END_HEADERS),
    );
    const r = await collectWire(good);
    expect(r.headers['x-long']).toBe('q'.repeat(100));
    expect(await peer.rst(3)).toBe(ErrorCode.PROTOCOL_ERROR);
    await badClosed;
    expect(bad.rstCode).toBe(ErrorCode.PROTOCOL_ERROR);
  });
});

// === fuzz ===


const randomBuffer = (next: (n: number) => number, length: number): Buffer => Buffer.from(Array.from({ length }, () => next(256)));

/** A valid conversation's frames, for mutation: requests with bodies and trailers, blocks over CONTINUATION, and the rest. */
function validFrames(next: (n: number) => number): Buffer[] {
  const enc = new HpackEncoder();
  const h = (stream: number, fields: string[], flags: number): Buffer => frame(FrameType.HEADERS, flags, stream, enc.encode(fields));
  // Blocks are encoded in the order they are sent: the decoder's table follows the encoder's.
  const first = h(1, post('/sink', 'content-length', '3'), Flag.END_HEADERS);
  const split = enc.encode(get('/alive', 'x-long', 'z'.repeat(40)));
  return [
    first,
    data(1, 'abc', Flag.END_STREAM),
    frame(FrameType.HEADERS, Flag.END_STREAM, 3, split.subarray(0, 10)),
    frame(FrameType.CONTINUATION, Flag.END_HEADERS, 3, split.subarray(10)),
    frame(FrameType.PRIORITY, 0, 5, Buffer.from([0, 0, 0, 1, 16])),
    windowUpdateFrame(0, 1000),
    windowUpdateFrame(3, 100),
    frame(FrameType.PING, 0, 0, randomBuffer(next, 8)),
    settingsFrame([
      [Setting.INITIAL_WINDOW_SIZE, 1000],
      [Setting.MAX_FRAME_SIZE, 20_000],
      [Setting.HEADER_TABLE_SIZE, 100],
    ]),
    h(5, post('/sink'), Flag.END_HEADERS),
    frame(FrameType.DATA, Flag.PADDED, 5, padded(Buffer.from('padded'), 7)),
    h(5, ['x-trailer', '1'], Flag.END_HEADERS | Flag.END_STREAM),
    h(7, get('/hold'), Flag.END_HEADERS),
    rstStreamFrame(7, ErrorCode.CANCEL),
    frame(unknown<FrameType>(0xb), 0, 0, randomBuffer(next, 4)),
    h(9, get('/bytes/40000'), Flag.END_HEADERS | Flag.END_STREAM),
  ];
}

function mutated(next: (n: number) => number): Buffer {
  const frames = validFrames(next);
  const pick = (): number => next(frames.length);
  for (let m = 1 + next(3); m > 0; m--) {
    const i = pick();
    const f = Buffer.from(frames[i] as Buffer);
    switch (next(8)) {
      case 0: // a random octet anywhere
        f[next(f.length)] = next(256);
        frames[i] = f;
        break;
      case 1: // another type
        f[3] = next(11);
        frames[i] = f;
        break;
      case 2: // other flags
        f[4] = next(256);
        frames[i] = f;
        break;
      case 3: // another stream
        f.writeUInt32BE(next(12), 5);
        frames[i] = f;
        break;
      case 4: // another length
        f[2] = next(256);
        frames[i] = f;
        break;
      case 5:
        frames.splice(i, 1);
        break;
      case 6:
        frames.splice(i, 0, f);
        break;
      default: // two frames swapped
        frames[i] = frames[(i + 1) % frames.length] as Buffer;
        frames[(i + 1) % frames.length] = f;
    }
  }
  const all = Buffer.concat(frames);
  return next(4) === 0 ? all.subarray(0, next(all.length + 1)) : all;
}

/** Frames with sane headers (length within limits) but random types, flags, streams and payloads. */
function randomFrames(next: (n: number) => number): Buffer {
  return Buffer.concat(
    Array.from({ length: 1 + next(8) }, () => frame(unknown<FrameType>(next(12)), next(256), next(3) === 0 ? 0 : next(12), randomBuffer(next, next(40)))),
  );
}

/** Zero octets that complete a trailing partial frame, so that what is sent next is read as a frame of its own. */
function completion(input: Buffer): Buffer {
  for (let at = 0; at < input.length; ) {
    const header = Buffer.alloc(9);
    input.copy(header, 0, at, at + 9);
    const length = header.readUIntBE(0, 3);
    if (length > MIN_FRAME_SIZE) break; // the session stops there (FRAME_SIZE_ERROR)
    at += 9 + length;
    if (at > input.length) return Buffer.alloc(at - input.length);
  }
  return Buffer.alloc(0);
}

describe('fuzz', () => {
  it('300 random and mutated inputs after a valid preface: nothing throws, each connection serves on or is closed', async () => {
    const thrown: unknown[] = [];
    const onThrow = (err: unknown): number => thrown.push(err);
    process.on('uncaughtException', onThrow);
    cleanups.push(() => process.off('uncaughtException', onThrow));
    const server = await wireServer({
      '/sink': (stream) => {
        stream.on('data', () => {});
        stream.respond({ ':status': 200 });
        stream.end('ok');
      },
    });
    const next = random(0x5eed_2024);
    const kinds = [(n: typeof next) => randomBuffer(n, 1 + n(120)), randomFrames, mutated];
    const inputs = Array.from({ length: 300 }, (_, i) => (kinds[i % 3] as (n: typeof next) => Buffer)(next));
    const sentinel = Buffer.from('fuzzdone');
    const outcomes = { serving: 0, closed: 0 };
    const one = async (input: Buffer, index: number): Promise<'serving' | 'closed'> => {
      const peer = await server.raw();
      peer.send(PREFACE, settingsFrame([]), input, completion(input), frame(FrameType.PING, 0, 0, sentinel));
      const answered = (): boolean => peer.frames.some((f) => f.type === FrameType.PING && f.flags === Flag.ACK && f.payload.equals(sentinel));
      try {
        await peer.until('an answer to the PING, or the end of the connection', () => answered() || peer.closed);
      } catch (err) {
        throw new Error(`input ${index} (${input.toString('hex')}): ${(err as Error).message}`, { cause: err });
      }
      peer.socket.destroy();
      return answered() ? 'serving' : 'closed';
    };
    // What the mutations start from is served whole.
    expect(await one(Buffer.concat(validFrames(random(1))), -1)).toBe('serving');
    for (let i = 0; i < inputs.length; i += 30) {
      for (const outcome of await Promise.all(inputs.slice(i, i + 30).map((input, j) => one(input, i + j)))) outcomes[outcome]++;
    }
    expect(thrown).toEqual([]);
    expect(outcomes.serving + outcomes.closed).toBe(300);
    // Both outcomes are common: the inputs reach past the framing into the session's states.
    expect(outcomes.serving).toBeGreaterThan(30);
    expect(outcomes.closed).toBeGreaterThan(30);
    const peer = await server.connect();
    await peer.serves(1);
  });
});

/** Polls (every 5 ms, up to the wait limit) until `get` gives a value. */
async function until<T>(get: () => T | undefined): Promise<T> {
  const deadline = Date.now() + waitLimit;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${waitLimit} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A socket whose peer never reads: writes never drain, and ending it never finishes. */
function stuckSocket() {
  const socket = Object.assign(new EventEmitter(), {
    written: [] as Buffer[],
    writable: true,
    destroyed: false,
    writableLength: 0,
    ended: false,
    write(chunk: Buffer) {
      socket.written.push(chunk);
      socket.writableLength += chunk.length;
      return false;
    },
    destroySoon: () => void (socket.ended = true),
    destroy() {
      socket.destroyed = true;
      socket.emit('close');
    },
    resume: () => undefined,
    pause: () => undefined,
    setTimeout: () => undefined,
  });
  return socket;
}
