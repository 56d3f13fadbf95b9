// The server side of a WebSocket (RFC 6455) as tap uses it: the handshake, text messages out, the client's messages
// in (unmasked, reassembled, UTF-8 checked, at most `maxPayload`), ping → pong, and the close handshake. No
// extensions. `ws` did this before, but loading it brought https, tls and zlib along: +5 MB of RSS in every proxy
// with a subscriber, for a stream that only sends JSON lines. node:crypto (SHA-1 of the key) is loaded already by
// then: the tap token's check or the mTLS listener needs it first.
import { EventEmitter } from 'node:events';
import type { AdminRequest } from '../admin/http.js';
import type net from 'node:net';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const Op = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;
type Op = (typeof Op)[keyof typeof Op];

/** Close codes this side sends for the client's protocol errors (RFC 6455 §7.4.1). */
export const wsCloseCodes = { protocolError: 1002, invalidData: 1007, tooBig: 1009 } as const;

/** Codes a close frame may carry (§7.4.1–7.4.2): the defined ones that may be sent, and the private ranges. */
function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Answers a WebSocket upgrade: the 101 and a ServerWebSocket, or a 400 (and undefined) when the request is not a
 * valid RFC 6455 opening handshake.
 */
export function acceptWebSocket(req: AdminRequest, socket: Duplex, head: Buffer, maxPayload: number): ServerWebSocket | undefined {
  const key = req.headers['sec-websocket-key'];
  const valid =
    req.method === 'GET' &&
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    req.headers['sec-websocket-version'] === '13' &&
    typeof key === 'string' &&
    /^[A-Za-z0-9+/]{22}==$/.test(key);
  if (!valid) {
    const body = 'not a WebSocket opening handshake (RFC 6455 §4.2.1)\n';
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    return undefined;
  }
  const accept = process.getBuiltinModule('node:crypto').createHash('sha1').update(key + GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
  (socket as Partial<net.Socket>).setNoDelay?.(true);
  return new ServerWebSocket(socket, head, maxPayload);
}

/** Events: 'message' (data: Buffer, isBinary: boolean), 'close' (once the socket is closed), 'error'. */
export class ServerWebSocket extends EventEmitter {
  #buf: Buffer = Buffer.alloc(0);
  /** The message being reassembled from fragments. */
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #fragmentOp: number | undefined;
  #closeSent = false;
  #closed = false;

  constructor(
    private readonly socket: Duplex,
    head: Buffer,
    private readonly maxPayload: number,
  ) {
    super();
    socket.on('data', (d: Buffer) => this.#read(d));
    socket.on('error', (err) => this.emit('error', err));
    socket.on('close', () => {
      this.#closed = true;
      this.emit('close');
    });
    // Bytes the client sent right after its handshake: read once the caller has its listeners on.
    if (head.length > 0) queueMicrotask(() => this.#read(head));
  }

  /** Sends one text message; `done` runs once the socket took it (or with an error once it cannot). */
  send(text: string, done: (err?: Error) => void): void {
    if (this.#closeSent || this.#closed) return done(new Error('WebSocket is closing'));
    this.socket.write(frame(Op.Text, Buffer.from(text, 'utf8')), (err) => done(err ?? undefined));
  }

  /** Starts the close handshake; the socket ends when the client answers (or after a second, whatever it does). */
  close(code: number, reason: string): void {
    if (this.#closeSent || this.#closed) return;
    this.#closeSent = true;
    const why = Buffer.from(reason, 'utf8').subarray(0, 123);
    const payload = Buffer.allocUnsafe(2 + why.length);
    payload.writeUInt16BE(code, 0);
    why.copy(payload, 2);
    this.socket.write(frame(Op.Close, payload));
    setTimeout(() => this.terminate(), 1000).unref();
  }

  terminate(): void {
    this.socket.destroy();
  }

  #fail(code: number, reason: string): void {
    this.#buf = Buffer.alloc(0);
    this.close(code, reason);
    this.socket.end();
  }

  #read(d: Buffer): void {
    if (this.#closed) return;
    let buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
    for (;;) {
      if (buf.length < 2) break;
      const b0 = buf[0] as number;
      const b1 = buf[1] as number;
      if ((b0 & 0x70) !== 0) return this.#fail(wsCloseCodes.protocolError, 'reserved bits set');
      if ((b1 & 0x80) === 0) return this.#fail(wsCloseCodes.protocolError, 'client frames must be masked');
      const fin = (b0 & 0x80) !== 0;
      const op = b0 & 0x0f;
      let length = b1 & 0x7f;
      let at = 2;
      if (length === 126) {
        if (buf.length < 4) break;
        length = buf.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (buf.length < 10) break;
        // Anything past 2^32 is far over maxPayload anyway.
        length = buf.readUInt32BE(2) === 0 ? buf.readUInt32BE(6) : Number.MAX_SAFE_INTEGER;
        at = 10;
      }
      if (length > this.maxPayload) return this.#fail(wsCloseCodes.tooBig, 'message too big');
      if (buf.length < at + 4 + length) break;
      const mask = buf.subarray(at, at + 4);
      const payload = Buffer.from(buf.subarray(at + 4, at + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i & 3] as number);
      buf = buf.subarray(at + 4 + length);
      if (!this.#frame(fin, op, payload)) return;
    }
    this.#buf = buf;
  }

  /** One unmasked frame; false when the connection is failing. */
  #frame(fin: boolean, op: number, payload: Buffer): boolean {
    if (op >= Op.Close) {
      if (!fin || payload.length > 125) return this.#fail(wsCloseCodes.protocolError, 'bad control frame'), false;
      if (op === Op.Ping) {
        if (!this.#closeSent) this.socket.write(frame(Op.Pong, payload));
        return true;
      }
      if (op === Op.Pong) return true;
      if (op === Op.Close) return this.#closeReceived(payload), false;
      return this.#fail(wsCloseCodes.protocolError, 'unknown opcode'), false;
    }
    if (op === Op.Continuation) {
      if (this.#fragmentOp === undefined) return this.#fail(wsCloseCodes.protocolError, 'continuation without a message'), false;
    } else if (op === Op.Text || op === Op.Binary) {
      if (this.#fragmentOp !== undefined) return this.#fail(wsCloseCodes.protocolError, 'new message inside a fragmented one'), false;
      this.#fragmentOp = op;
    } else return this.#fail(wsCloseCodes.protocolError, 'unknown opcode'), false;
    this.#fragmentBytes += payload.length;
    if (this.#fragmentBytes > this.maxPayload) return this.#fail(wsCloseCodes.tooBig, 'message too big'), false;
    this.#fragments.push(payload);
    if (!fin) return true;
    const message = this.#fragments.length === 1 ? (this.#fragments[0] as Buffer) : Buffer.concat(this.#fragments);
    const binary = this.#fragmentOp === Op.Binary;
    this.#fragments = [];
    this.#fragmentBytes = 0;
    this.#fragmentOp = undefined;
    if (!binary && !validUtf8(message)) return this.#fail(wsCloseCodes.invalidData, 'text is not UTF-8'), false;
    if (!this.#closeSent) this.emit('message', message, binary);
    return true;
  }

  /** The client's close: answered with its code (unless we began), then the socket ends. */
  #closeReceived(payload: Buffer): void {
    if (payload.length === 1) return this.#fail(wsCloseCodes.protocolError, 'close frame of one byte');
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1000;
    if (payload.length >= 2 && (!validCloseCode(code) || !validUtf8(payload.subarray(2))))
      return this.#fail(wsCloseCodes.protocolError, 'bad close frame');
    if (!this.#closeSent) {
      this.#closeSent = true;
      this.socket.write(frame(Op.Close, payload.subarray(0, 2)));
    }
    this.socket.end();
  }
}

function validUtf8(bytes: Buffer): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** An unmasked server frame, FIN set. */
function frame(op: Op, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + n);
  out[0] = 0x80 | op;
  if (head === 2) out[1] = n;
  else if (head === 4) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(0, 2);
    out.writeUInt32BE(n, 6);
  }
  payload.copy(out, head);
  return out;
}
