// One HTTP/2 connection with the framing owned here instead of node:http2 (RFC 9113): the preface and SETTINGS
// exchange, the stream states, header blocks (HEADERS + CONTINUATION, HPACK), flow control both ways, PING, GOAWAY
// and RST_STREAM, and the connection and stream errors the RFC names. Frames read in one socket read are handled
// in one pass, and everything they cause to be written leaves in one socket write at the end of the tick.
// The surface (request, close, destroy, setTimeout, 'goaway'/'close' events, remoteSettings) is the part of
// node:http2's session the proxy uses, so the two engines are interchangeable (`--h2-engine`).
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import type net from 'node:net';
import { lengthOf } from '../../http/framing.js';
import { toFieldList, toHeaderObject } from './fields.js';
import {
  DEFAULT_WINDOW,
  ErrorCode,
  Flag,
  FrameType,
  HEADER_BYTES,
  MAX_FRAME_SIZE,
  MAX_WINDOW,
  MIN_FRAME_SIZE,
  PREFACE,
  SETTINGS_ACK,
  Setting,
  dataHeader,
  goawayFrame,
  headerFrames,
  pingAck,
  rstStreamFrame,
  settingsFrame,
  windowUpdateFrame,
} from './frame.js';
import { HpackDecoder, HpackEncoder, HpackError } from './hpack.js';
import { WireStream, type StreamOwner } from './stream.js';
import { StreamTable } from './stream-table.js';

export interface WireSettings {
  /** SETTINGS_MAX_CONCURRENT_STREAMS we advertise (peer-initiated streams beyond it are refused). */
  readonly maxConcurrentStreams?: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE we advertise and enforce. */
  readonly maxHeaderListSize: number;
}

export interface WireSessionOptions {
  readonly settings: WireSettings;
  /** Server side: a new request stream (`flags` carries END_STREAM as node:http2's 'stream' event does). */
  readonly onStream?: (stream: WireStream, headers: IncomingHttpHeaders, flags: number) => void;
}

/** Our receive window for the whole connection: the peer may have this much in flight across all streams. */
const CONNECTION_WINDOW = 1 << 20;
/**
 * Unsent output past which the peer is taken not to read: its frames are not read either until the socket drains,
 * which bounds what answering a flood of PINGs, SETTINGS or bad frames can queue.
 */
const OUTPUT_LIMIT = 1 << 20;
/** How long a GOAWAY after a connection error may take to leave before the socket is closed regardless. */
const LINGER_MS = 1000;
/** A header block (all its CONTINUATION frames) larger than this ends the connection (CONTINUATION flood). */
const blockLimit = (maxHeaderList: number) => maxHeaderList * 2 + MIN_FRAME_SIZE;

class ConnectionError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

interface PendingBlock {
  readonly stream: number;
  readonly flags: number;
  readonly parts: Buffer[];
  bytes: number;
}

const EMPTY = Buffer.alloc(0);

export class WireSession extends EventEmitter implements StreamOwner {
  closed = false;
  destroyed = false;
  /** What the peer's SETTINGS said (node:http2's `remoteSettings`, the part the client pool reads). */
  readonly remoteSettings: { maxConcurrentStreams?: number } = {};
  blocked = false;

  readonly #server: boolean;
  readonly #options: WireSessionOptions;
  readonly #decoder = new HpackDecoder();
  readonly #encoder = new HpackEncoder();
  readonly #streams = new StreamTable<WireStream>();
  readonly #fields: string[] = [];
  #buf: Buffer = EMPTY;
  #prefaceLeft: number;
  #settingsSeen = false;
  #block: PendingBlock | undefined;
  /** Highest stream id the peer opened (what our GOAWAY names). */
  #lastPeerStream = 0;
  #nextStreamId = 1;
  #peerStreams = 0;
  #goawayReceived = false;
  #goawaySent = false;
  #peerMaxFrame = MIN_FRAME_SIZE;
  #peerInitialWindow = DEFAULT_WINDOW;
  #sendWindow = DEFAULT_WINDOW;
  #recvUnacked = 0;
  #out: Buffer[] = [];
  #flushing = false;
  /**
   * Streams with output to frame at the next flush, each once (`pumpQueued`); a closed one is skipped there. An array
   * emptied at every flush, not a Set, for the reason stream-table.ts gives.
   */
  readonly #pumps: WireStream[] = [];

  constructor(
    readonly socket: net.Socket,
    role: 'server' | 'client',
    options: WireSessionOptions,
  ) {
    super();
    this.#server = role === 'server';
    this.#options = options;
    this.#prefaceLeft = this.#server ? PREFACE.length : 0;
    const s = options.settings;
    const ours: [Setting, number][] = [
      [Setting.MAX_CONCURRENT_STREAMS, s.maxConcurrentStreams ?? 1000],
      [Setting.MAX_HEADER_LIST_SIZE, s.maxHeaderListSize],
    ];
    if (!this.#server) {
      ours.push([Setting.ENABLE_PUSH, 0]);
      this.#write(PREFACE);
    }
    this.#write(settingsFrame(ours));
    this.#write(windowUpdateFrame(0, CONNECTION_WINDOW - DEFAULT_WINDOW));
    socket.on('data', this.#onData);
    socket.on('drain', this.#onDrain);
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
    // Detection leaves the socket paused (bytes it peeked put back in front): a listener alone would not resume it.
    socket.resume();
  }

  // === the node:http2 session surface ===

  /** Client side: opens a stream with the request head (throws when the session can take no new stream). */
  request(headers: OutgoingHttpHeaders, options: { endStream?: boolean; waitForTrailers?: boolean } = {}): WireStream {
    if (this.closed || this.destroyed || this.#goawayReceived)
      throw Object.assign(new Error('The session is closed'), { code: 'ERR_HTTP2_INVALID_SESSION' });
    const id = this.#nextStreamId;
    this.#nextStreamId += 2;
    const stream = new WireStream(id, this, this.#peerInitialWindow, DEFAULT_WINDOW);
    this.#streams.set(id, stream);
    stream.headRequest = headers[':method'] === 'HEAD';
    stream.setWaitForTrailers(options.waitForTrailers === true);
    this.sendHeaders(stream, headers, options.endStream === true);
    if (options.endStream === true) stream.markLocalEnded();
    return stream;
  }

  /** Graceful: GOAWAY(NO_ERROR); streams in flight finish, then the connection closes. */
  close(): void {
    if (this.closed || this.destroyed) return;
    this.closed = true;
    this.#sendGoaway(ErrorCode.NO_ERROR);
    this.#closeIfIdle();
  }

  /** Closes now: open streams are torn down. With `code`, a GOAWAY says why. */
  destroy(error?: Error, code?: number): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.closed = true;
    if (code !== undefined && !this.#goawaySent && this.socket.writable) this.#sendGoaway(code);
    this.#flush();
    const reason = error ?? Object.assign(new Error('HTTP/2 connection closed'), { code: 'ECONNRESET' });
    for (const stream of this.#streams.values()) stream.abort(code ?? ErrorCode.INTERNAL_ERROR, reason);
    this.#streams.clear();
    this.socket.off('data', this.#onData);
    if (code !== undefined) {
      // Once the GOAWAY is out; a peer that reads nothing must not hold the socket (and our unsent output) open.
      this.socket.destroySoon();
      setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
    } else this.socket.destroy();
    if (error && this.listenerCount('error') > 0) this.emit('error', error);
    process.nextTick(() => this.emit('close'));
  }

  /** `onTimeout` after `ms` without traffic; a session already closing then closes its socket for good. */
  setTimeout(ms: number, onTimeout: () => void): void {
    this.socket.setTimeout(ms);
    this.socket.on('timeout', () => (this.destroyed ? this.socket.destroy() : onTimeout()));
  }

  // === StreamOwner ===

  sendHeaders(stream: WireStream, headers: OutgoingHttpHeaders, endStream: boolean): void {
    const block = this.#encoder.encode(toFieldList(headers));
    this.#write(headerFrames(stream.id, block, endStream, this.#peerMaxFrame));
  }

  wantsPump(stream: WireStream): void {
    if (stream.pumpQueued) return;
    stream.pumpQueued = true;
    this.#pumps.push(stream);
    this.#scheduleFlush();
  }

  sendReset(stream: WireStream, code: number): void {
    this.#reset(stream.id, code);
  }

  /** RST_STREAM for `id`, a stream that may never have been opened here (refused, malformed). */
  #reset(id: number, code: number): void {
    this.#write(rstStreamFrame(id, code));
  }

  consumed(stream: WireStream, bytes: number): void {
    if (stream.closed || stream.remoteEnded) return; // no more DATA can come on it
    // Returned in batches: one WINDOW_UPDATE per half window read.
    stream.unacked += bytes;
    if (stream.unacked < DEFAULT_WINDOW / 2) return;
    this.#write(windowUpdateFrame(stream.id, stream.unacked));
    stream.recvWindow += stream.unacked;
    stream.unacked = 0;
  }

  forget(stream: WireStream): void {
    if (this.#streams.get(stream.id) !== stream) return;
    this.#streams.delete(stream.id);
    if (this.#server === (stream.id % 2 === 1)) this.#peerStreams--;
    this.#closeIfIdle();
  }

  // === writing: one socket write per tick ===

  #write(buf: Buffer): void {
    this.#out.push(buf);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    queueMicrotask(this.#flush);
  }

  readonly #flush = (): void => {
    this.#flushing = false;
    // A pump may queue streams (its own writer's, on 'drain'): they are reached in this same pass.
    const pumps = this.#pumps;
    for (let i = 0; i < pumps.length; i++) {
      const stream = pumps[i]!;
      stream.pumpQueued = false;
      stream.pump();
    }
    pumps.length = 0;
    const out = this.#out;
    if (out.length === 0 || this.socket.destroyed) return void (this.#out = []);
    this.#out = [];
    const ok = this.socket.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out));
    if (ok) return;
    this.blocked = true;
    if (this.socket.writableLength > OUTPUT_LIMIT) this.socket.pause();
  };

  room(stream: WireStream): number {
    return Math.min(stream.sendWindow, this.#sendWindow, this.#peerMaxFrame);
  }

  frameData(stream: WireStream, data: Buffer | undefined, endStream: boolean): void {
    const length = data?.length ?? 0;
    this.#out.push(dataHeader(stream.id, length, endStream));
    if (data) this.#out.push(data);
    stream.sendWindow -= length;
    this.#sendWindow -= length;
  }

  frameTrailers(stream: WireStream, headers: OutgoingHttpHeaders): void {
    this.sendHeaders(stream, headers, true);
  }

  readonly #onDrain = (): void => {
    this.blocked = false;
    this.socket.resume();
    for (const stream of this.#streams.values()) stream.socketDrained();
  };

  #sendGoaway(code: number): void {
    this.#goawaySent = true;
    this.#write(goawayFrame(this.#lastPeerStream, code));
  }

  #closeIfIdle(): void {
    if (!this.closed || this.destroyed || this.#streams.size > 0) return;
    this.#flush();
    this.destroyed = true;
    this.socket.off('data', this.#onData);
    // The last responses may still be on their way to a slow reader: it ends when they are out (or, for a peer that
    // reads nothing, when the idle timeout passes: setTimeout below).
    this.socket.destroySoon();
    process.nextTick(() => this.emit('close'));
  }

  // === reading ===

  readonly #onData = (chunk: Buffer): void => {
    let buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    try {
      if (this.#prefaceLeft > 0) {
        const n = Math.min(this.#prefaceLeft, buf.length);
        const at = PREFACE.length - this.#prefaceLeft;
        if (buf.compare(PREFACE, at, at + n, 0, n) !== 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'invalid connection preface');
        this.#prefaceLeft -= n;
        buf = buf.subarray(n);
      }
      let at = 0;
      while (!this.destroyed && buf.length - at >= HEADER_BYTES) {
        const length = (buf[at]! << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
        if (length > MIN_FRAME_SIZE) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `frame of ${length} bytes`);
        if (buf.length - at < HEADER_BYTES + length) break;
        const type = buf[at + 3]!;
        const flags = buf[at + 4]!;
        const id = buf.readUInt32BE(at + 5) & MAX_WINDOW;
        const payload = buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length);
        at += HEADER_BYTES + length;
        this.#frame(type, flags, id, payload);
      }
      this.#buf = at === buf.length ? EMPTY : buf.subarray(at);
    } catch (err) {
      if (!(err instanceof ConnectionError)) throw err;
      this.#connectionError(err);
    }
  };

  #connectionError(err: ConnectionError): void {
    this.destroy(Object.assign(new Error(`HTTP/2 connection error: ${err.message}`), { code: 'ERR_HTTP2_SESSION_ERROR' }), err.errorCode);
  }

  #frame(type: number, flags: number, id: number, payload: Buffer): void {
    if (!this.#settingsSeen && type !== FrameType.SETTINGS) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'first frame is not SETTINGS');
    if (this.#block && type !== FrameType.CONTINUATION) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'header block interrupted');
    switch (type) {
      case FrameType.DATA:
        return this.#data(flags, id, payload);
      case FrameType.HEADERS:
        return this.#headers(flags, id, payload);
      case FrameType.CONTINUATION:
        return this.#continuation(flags, id, payload);
      case FrameType.PRIORITY:
        if (id === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PRIORITY on stream 0');
        if (payload.length !== 5) this.#streamError(id, ErrorCode.FRAME_SIZE_ERROR);
        return;
      case FrameType.RST_STREAM:
        return this.#rstStream(id, payload);
      case FrameType.SETTINGS:
        return this.#settings(flags, id, payload);
      case FrameType.PUSH_PROMISE:
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE (push is disabled)');
      case FrameType.PING:
        if (id !== 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PING on a stream');
        if (payload.length !== 8) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'PING of the wrong size');
        if ((flags & Flag.ACK) === 0) this.#write(pingAck(payload));
        return;
      case FrameType.GOAWAY:
        return this.#goaway(id, payload);
      case FrameType.WINDOW_UPDATE:
        return this.#windowUpdate(id, payload);
      default:
        return; // unknown frame types are ignored (RFC 9113 §4.1)
    }
  }

  /** The frame's payload without its padding (RFC 9113 §6.1, §6.2). */
  #unpad(flags: number, payload: Buffer): Buffer {
    if ((flags & Flag.PADDED) === 0) return payload;
    if (payload.length < 1) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'padded frame without a pad length');
    const pad = payload[0]!;
    if (pad >= payload.length) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'padding longer than the frame');
    return payload.subarray(1, payload.length - pad);
  }

  #isIdle(id: number): boolean {
    const peerInitiated = (id % 2 === 1) === this.#server;
    return peerInitiated ? id > this.#lastPeerStream : id >= this.#nextStreamId;
  }

  #data(flags: number, id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'DATA on stream 0');
    // Every DATA byte counts against the connection window, whatever becomes of the stream, and is given back as it
    // arrives: what bounds memory is each stream's window (given back only as its reader consumes), so one paused
    // reader never stalls the other streams. Given back so, the connection window cannot be overrun.
    this.#recvUnacked += payload.length;
    if (this.#recvUnacked >= CONNECTION_WINDOW / 2) {
      this.#write(windowUpdateFrame(0, this.#recvUnacked));
      this.#recvUnacked = 0;
    }
    const data = this.#unpad(flags, payload);
    const stream = this.#streams.get(id);
    if (!stream) {
      if (this.#isIdle(id)) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'DATA on an idle stream');
      return; // a stream we closed: the peer may not know yet
    }
    if (stream.remoteEnded) return this.#streamError(id, ErrorCode.STREAM_CLOSED);
    if (!this.#server && !stream.responded) return this.#streamError(id, ErrorCode.PROTOCOL_ERROR);
    if (payload.length > stream.recvWindow) return this.#streamError(id, ErrorCode.FLOW_CONTROL_ERROR);
    stream.recvWindow -= payload.length;
    // Padding is not the reader's to consume.
    if (payload.length > data.length) this.consumed(stream, payload.length - data.length);
    stream.receivedLength += data.length;
    const end = (flags & Flag.END_STREAM) !== 0;
    const expected = stream.expectedLength;
    if (expected >= 0 && (stream.receivedLength > expected || (end && stream.receivedLength !== expected)))
      return this.#streamError(id, ErrorCode.PROTOCOL_ERROR);
    stream.receive(data);
    if (end) stream.remoteEnd();
  }

  #headers(flags: number, id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'HEADERS on stream 0');
    let fragment = this.#unpad(flags, payload);
    if ((flags & Flag.PRIORITY) !== 0) {
      if (fragment.length < 5) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'HEADERS too short for its priority');
      fragment = fragment.subarray(5);
    }
    if ((flags & Flag.END_HEADERS) !== 0) return this.#headerBlock(id, flags, fragment);
    this.#block = { stream: id, flags, parts: [fragment], bytes: fragment.length };
  }

  #continuation(flags: number, id: number, payload: Buffer): void {
    const block = this.#block;
    if (!block || block.stream !== id) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'unexpected CONTINUATION');
    block.parts.push(payload);
    // Frame headers count too: empty CONTINUATION frames would otherwise pile up without end.
    block.bytes += HEADER_BYTES + payload.length;
    if (block.bytes > blockLimit(this.#options.settings.maxHeaderListSize))
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, 'header block too large');
    if ((flags & Flag.END_HEADERS) === 0) return;
    this.#block = undefined;
    this.#headerBlock(id, block.flags, Buffer.concat(block.parts));
  }

  /** A whole header block: decoded first (the HPACK table must stay in step whatever happens to the stream). */
  #headerBlock(id: number, flags: number, block: Buffer): void {
    const fields = this.#fields;
    fields.length = 0;
    let size: number;
    try {
      size = this.#decoder.decode(block, 0, block.length, fields);
    } catch (err) {
      if (err instanceof HpackError) throw new ConnectionError(ErrorCode.COMPRESSION_ERROR, err.message);
      throw err;
    }
    const endStream = (flags & Flag.END_STREAM) !== 0;
    const stream = this.#streams.get(id);
    if (stream) return this.#moreHeaders(stream, fields, endStream);
    if (!this.#server || id % 2 === 0) {
      // A response for a stream we already reset (the peer did not know yet) is dropped; anything else is wrong.
      if (!this.#server && id % 2 === 1 && !this.#isIdle(id)) return;
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS opening stream ${id}`);
    }
    if (id <= this.#lastPeerStream) {
      // Trailers for a stream we reset are dropped; a request head (pseudo-header fields first) on an id at or
      // below one already used opens no stream: RFC 9113 §5.1.1 makes that a connection error.
      if (fields[0]?.charCodeAt(0) === 0x3a) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `stream ${id} opened out of order`);
      return;
    }
    this.#lastPeerStream = id;
    this.#open(id, fields, size, flags, endStream);
  }

  /** Server side: a request opens a stream. */
  #open(id: number, fields: readonly string[], size: number, flags: number, endStream: boolean): void {
    if (this.#goawaySent) return this.#reset(id, ErrorCode.REFUSED_STREAM);
    const max = this.#options.settings.maxConcurrentStreams ?? 1000;
    if (this.#peerStreams >= max) return this.#reset(id, ErrorCode.REFUSED_STREAM);
    if (size > this.#options.settings.maxHeaderListSize) {
      // As HTTP/1 answers an oversized head (parse-head.ts), with the stream then done.
      this.#write(headerFrames(id, this.#encoder.encode([':status', '431']), true, this.#peerMaxFrame));
      if (!endStream) this.#reset(id, ErrorCode.NO_ERROR);
      return;
    }
    const headers = toHeaderObject(fields, 'request');
    if (typeof headers === 'string') return this.#reset(id, ErrorCode.PROTOCOL_ERROR);
    const stream = new WireStream(id, this, this.#peerInitialWindow, DEFAULT_WINDOW);
    if (!this.#expectLength(stream, headers, endStream)) return this.sendReset(stream, ErrorCode.PROTOCOL_ERROR);
    this.#streams.set(id, stream);
    this.#peerStreams++;
    if (endStream) stream.remoteEnd();
    this.#options.onStream?.(stream, headers, flags);
  }

  /** Trailers (either side), or a client's response heads. */
  #moreHeaders(stream: WireStream, fields: readonly string[], endStream: boolean): void {
    if (stream.remoteEnded) return this.#streamError(stream.id, ErrorCode.STREAM_CLOSED);
    if (!this.#server && !stream.responded) {
      const headers = toHeaderObject(fields, 'response');
      if (typeof headers === 'string') return this.#streamError(stream.id, ErrorCode.PROTOCOL_ERROR);
      const status = headers[':status'] as unknown as number;
      if (status < 200) {
        if (endStream) return this.#streamError(stream.id, ErrorCode.PROTOCOL_ERROR);
        stream.emit('headers', headers, 0);
        return;
      }
      stream.responded = true;
      if (!this.#expectLength(stream, headers, endStream)) return this.#streamError(stream.id, ErrorCode.PROTOCOL_ERROR);
      stream.emit('response', headers, endStream ? Flag.END_STREAM : 0);
      if (endStream) stream.remoteEnd();
      return;
    }
    if (!endStream) return this.#streamError(stream.id, ErrorCode.PROTOCOL_ERROR);
    const trailers = toHeaderObject(fields, 'trailers');
    if (typeof trailers === 'string') return this.#streamError(stream.id, ErrorCode.PROTOCOL_ERROR);
    if (stream.expectedLength >= 0 && stream.receivedLength !== stream.expectedLength) return this.#streamError(stream.id, ErrorCode.PROTOCOL_ERROR);
    stream.receiveTrailers(trailers);
    stream.remoteEnd();
  }

  /** Records a declared content-length; false when it is not a number, or the message ends short of it. */
  #expectLength(stream: WireStream, headers: IncomingHttpHeaders, endStream: boolean): boolean {
    const declared = headers['content-length'];
    if (declared === undefined) return true;
    const length = lengthOf(declared);
    if (length === undefined) return false;
    // A response to HEAD, or a 204/304, declares the length of a body it does not carry.
    const status = headers[':status'] as unknown as number | undefined;
    if (status !== undefined && (status === 204 || status === 304 || endStream || stream.headRequest)) return true;
    stream.expectedLength = length;
    return !endStream || length === 0;
  }

  #streamError(id: number, code: number): void {
    const stream = this.#streams.get(id);
    if (stream) stream.close(code);
    else this.#reset(id, code);
  }

  #rstStream(id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'RST_STREAM on stream 0');
    if (payload.length !== 4) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'RST_STREAM of the wrong size');
    if (this.#isIdle(id)) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'RST_STREAM on an idle stream');
    this.#streams.get(id)?.peerReset(payload.readUInt32BE(0));
  }

  #settings(flags: number, id: number, payload: Buffer): void {
    if (id !== 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'SETTINGS on a stream');
    if ((flags & Flag.ACK) !== 0) {
      if (payload.length !== 0) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'SETTINGS ACK with a payload');
      return;
    }
    if (payload.length % 6 !== 0) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'SETTINGS of the wrong size');
    this.#settingsSeen = true;
    for (let at = 0; at < payload.length; at += 6) {
      const value = payload.readUInt32BE(at + 2);
      switch (payload.readUInt16BE(at)) {
        case Setting.HEADER_TABLE_SIZE:
          this.#encoder.setPeerMaxTableSize(value);
          break;
        case Setting.ENABLE_PUSH:
          if (value > 1 || (!this.#server && value !== 0)) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'invalid ENABLE_PUSH');
          break;
        case Setting.MAX_CONCURRENT_STREAMS:
          this.remoteSettings.maxConcurrentStreams = value;
          break;
        case Setting.INITIAL_WINDOW_SIZE: {
          if (value > MAX_WINDOW) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'INITIAL_WINDOW_SIZE too large');
          const delta = value - this.#peerInitialWindow;
          this.#peerInitialWindow = value;
          for (const stream of this.#streams.values()) {
            stream.sendWindow += delta;
            if (stream.sendWindow > MAX_WINDOW) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'stream window overflow');
            if (delta > 0 && stream.hasOutput) this.wantsPump(stream);
          }
          break;
        }
        case Setting.MAX_FRAME_SIZE:
          if (value < MIN_FRAME_SIZE || value > MAX_FRAME_SIZE) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'invalid MAX_FRAME_SIZE');
          this.#peerMaxFrame = value;
          break;
        default:
          break; // MAX_HEADER_LIST_SIZE is advisory; unknown settings are ignored
      }
    }
    this.#write(SETTINGS_ACK);
  }

  #goaway(id: number, payload: Buffer): void {
    if (id !== 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'GOAWAY on a stream');
    if (payload.length < 8) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'GOAWAY too short');
    const last = payload.readUInt32BE(0) & MAX_WINDOW;
    const code = payload.readUInt32BE(4);
    this.#goawayReceived = true;
    // Streams we opened past the peer's last one were never processed: refused, so safe to try elsewhere.
    for (const stream of this.#streams.values()) {
      if (stream.id > last && (stream.id % 2 === 1) !== this.#server)
        stream.abort(ErrorCode.REFUSED_STREAM, Object.assign(new Error('stream refused by GOAWAY'), { code: 'ERR_HTTP2_GOAWAY_SESSION' }));
    }
    this.emit('goaway', code, last);
    this.closed = true;
    this.#closeIfIdle();
  }

  #windowUpdate(id: number, payload: Buffer): void {
    if (payload.length !== 4) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'WINDOW_UPDATE of the wrong size');
    const increment = payload.readUInt32BE(0) & MAX_WINDOW;
    if (id === 0) {
      if (increment === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'WINDOW_UPDATE of 0');
      this.#sendWindow += increment;
      if (this.#sendWindow > MAX_WINDOW) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'connection window overflow');
      for (const stream of this.#streams.values()) if (stream.hasOutput) this.wantsPump(stream);
      return;
    }
    if (this.#isIdle(id)) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'WINDOW_UPDATE on an idle stream');
    const stream = this.#streams.get(id);
    if (!stream) return;
    if (increment === 0) return this.#streamError(id, ErrorCode.PROTOCOL_ERROR);
    stream.sendWindow += increment;
    if (stream.sendWindow > MAX_WINDOW) return this.#streamError(id, ErrorCode.FLOW_CONTROL_ERROR);
    if (stream.hasOutput) this.wantsPump(stream);
  }
}
