// HTTP/2 frames (RFC 9113 §4, §6): the 9-byte frame header, the type, flag, setting and error-code numbers, and
// builders for the frames the session writes. Pure; no state.

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const HEADER_BYTES = 9;

export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;
export type Flag = (typeof Flag)[keyof typeof Flag];

export const Setting = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
} as const;
export type Setting = (typeof Setting)[keyof typeof Setting];

/** RFC 9113 §7 (node:http2 names them NGHTTP2_*; codes.ts has the ones the rest of the proxy names). */
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const DEFAULT_WINDOW = 65_535;
export const MAX_WINDOW = 0x7fff_ffff;
export const MIN_FRAME_SIZE = 16_384;
export const MAX_FRAME_SIZE = 0xff_ffff;

function header(out: Buffer, at: number, length: number, type: FrameType, flags: number, stream: number): void {
  out[at] = length >>> 16;
  out[at + 1] = (length >>> 8) & 0xff;
  out[at + 2] = length & 0xff;
  out[at + 3] = type;
  out[at + 4] = flags;
  out.writeUInt32BE(stream & MAX_WINDOW, at + 5);
}

/** A frame whose payload is `payload` (copied in, so the frame is one buffer). */
export function frame(type: FrameType, flags: number, stream: number, payload?: Uint8Array): Buffer {
  const length = payload?.length ?? 0;
  const out = Buffer.allocUnsafe(HEADER_BYTES + length);
  header(out, 0, length, type, flags, stream);
  if (payload) out.set(payload, HEADER_BYTES);
  return out;
}

/** Just the 9 bytes in front of a DATA payload the caller writes after it (no copy of the payload). */
export function dataHeader(stream: number, length: number, endStream: boolean): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES);
  header(out, 0, length, FrameType.DATA, endStream ? Flag.END_STREAM : 0, stream);
  return out;
}

/** A header block as HEADERS plus as many CONTINUATION frames as `maxFrame` needs, in one buffer. */
export function headerFrames(stream: number, block: Buffer, endStream: boolean, maxFrame: number): Buffer {
  const frames = Math.max(1, Math.ceil(block.length / maxFrame));
  const out = Buffer.allocUnsafe(block.length + frames * HEADER_BYTES);
  let at = 0;
  for (let i = 0, from = 0; i < frames; i++) {
    const to = Math.min(block.length, from + maxFrame);
    const last = i === frames - 1;
    const type = i === 0 ? FrameType.HEADERS : FrameType.CONTINUATION;
    const flags = (last ? Flag.END_HEADERS : 0) | (i === 0 && endStream ? Flag.END_STREAM : 0);
    header(out, at, to - from, type, flags, stream);
    block.copy(out, at + HEADER_BYTES, from, to);
    at += HEADER_BYTES + to - from;
    from = to;
  }
  return out;
}

export function settingsFrame(entries: readonly (readonly [Setting, number])[]): Buffer {
  const payload = Buffer.allocUnsafe(entries.length * 6);
  entries.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return frame(FrameType.SETTINGS, 0, 0, payload);
}

export const SETTINGS_ACK = frame(FrameType.SETTINGS, Flag.ACK, 0);

function u32Frame(type: FrameType, stream: number, value: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + 4);
  header(out, 0, 4, type, 0, stream);
  out.writeUInt32BE(value, HEADER_BYTES);
  return out;
}

export function rstStreamFrame(stream: number, code: number): Buffer {
  return u32Frame(FrameType.RST_STREAM, stream, code);
}

export function windowUpdateFrame(stream: number, increment: number): Buffer {
  return u32Frame(FrameType.WINDOW_UPDATE, stream, increment);
}

export function goawayFrame(lastStream: number, code: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + 8);
  header(out, 0, 8, FrameType.GOAWAY, 0, 0);
  out.writeUInt32BE(lastStream & MAX_WINDOW, HEADER_BYTES);
  out.writeUInt32BE(code, HEADER_BYTES + 4);
  return out;
}

export function pingAck(payload: Uint8Array): Buffer {
  return frame(FrameType.PING, Flag.ACK, 0, payload);
}
