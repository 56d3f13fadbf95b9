// Incremental chunked-body tracker (RFC 9112 §7.1). The proxy forwards chunked bytes unchanged; this only finds
// where the message ends (and, for HTTP/1.0 clients, which byte ranges are data) and rejects malformed framing.

const enum State {
  Size,
  SizeWs,
  Ext,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  TrailerLf,
  EndLf,
  Done,
  Error,
}

/** Chunk-size digits allowed: 13 hex digits stays below Number.MAX_SAFE_INTEGER. */
const maxSizeDigits = 13;
/** Chunk extensions and trailers are metadata; cap them so a peer cannot make us scan forever. */
const maxMetaBytes = 16 * 1024;

export class ChunkedTracker {
  #state = State.Size;
  #digits = 0;
  #size = 0;
  #meta = 0;
  error: string | undefined;

  get done(): boolean {
    return this.#state === State.Done;
  }

  /**
   * Consumes bytes from `buf[start..]`; returns the index just past the message end when it is reached, else
   * `buf.length`, or -1 on malformed framing (see `error`). `onData(from, to)` receives chunk-data ranges.
   */
  feed(buf: Uint8Array, start = 0, onData?: (from: number, to: number) => void): number {
    let i = start;
    const n = buf.length;
    while (i < n) {
      switch (this.#state) {
        case State.Data: {
          const take = Math.min(this.#size, n - i);
          if (onData && take > 0) onData(i, i + take);
          i += take;
          this.#size -= take;
          if (this.#size === 0) this.#state = State.DataCr;
          continue;
        }
        case State.Done:
          return i;
        case State.Error:
          return -1;
        default:
          break;
      }
      const c = buf[i] as number;
      i++;
      switch (this.#state) {
        case State.Size: {
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.#digits > maxSizeDigits) return this.#fail('chunk size too large');
            this.#size = this.#size * 16 + v;
          } else if (this.#digits === 0) return this.#fail('invalid chunk size');
          else if (c === 0x0d) this.#state = State.SizeLf;
          else if (c === 0x3b) this.#state = State.Ext;
          else if (c === 0x20 || c === 0x09) this.#state = State.SizeWs;
          else return this.#fail('invalid chunk size');
          break;
        }
        case State.SizeWs:
          if (c === 0x3b) this.#state = State.Ext;
          else if (c !== 0x20 && c !== 0x09) return this.#fail('invalid chunk size line');
          break;
        case State.Ext:
          if (++this.#meta > maxMetaBytes) return this.#fail('chunk extension too long');
          if (c === 0x0d) this.#state = State.SizeLf;
          else if ((c < 0x20 && c !== 0x09) || c === 0x7f) return this.#fail('invalid chunk extension');
          break;
        case State.SizeLf:
          if (c !== 0x0a) return this.#fail('expected LF after chunk size');
          this.#digits = 0;
          this.#state = this.#size === 0 ? State.TrailerStart : State.Data;
          break;
        case State.DataCr:
          if (c !== 0x0d) return this.#fail('expected CRLF after chunk data');
          this.#state = State.DataLf;
          break;
        case State.DataLf:
          if (c !== 0x0a) return this.#fail('expected CRLF after chunk data');
          this.#state = State.Size;
          break;
        case State.TrailerStart:
          if (c === 0x0d) this.#state = State.EndLf;
          else if (c === 0x20 || c === 0x09 || c === 0x0a) return this.#fail('invalid trailer line');
          else this.#state = State.Trailer;
          break;
        case State.Trailer:
          if (++this.#meta > maxMetaBytes) return this.#fail('trailers too long');
          if (c === 0x0d) this.#state = State.TrailerLf;
          else if (c === 0x0a) return this.#fail('bare LF in trailers');
          break;
        case State.TrailerLf:
          if (c !== 0x0a) return this.#fail('expected LF after trailer');
          this.#state = State.TrailerStart;
          break;
        case State.EndLf:
          if (c !== 0x0a) return this.#fail('expected LF at end of chunked body');
          this.#state = State.Done;
          return i;
      }
    }
    return this.#state === State.Done ? i : n;
  }

  #fail(reason: string): number {
    this.#state = State.Error;
    this.error = reason;
    return -1;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** One chunk of a chunked body (size line, data, CRLF) as a single buffer: one socket write, not three. */
export function encodeChunk(data: Buffer): Buffer {
  const size = `${data.length.toString(16)}\r\n`;
  const out = Buffer.allocUnsafe(size.length + data.length + 2);
  out.write(size, 0, 'latin1');
  data.copy(out, size.length);
  out.write('\r\n', size.length + data.length, 'latin1');
  return out;
}

/** Why the chunked framing of a body's first bytes is malformed; undefined while it is well-formed so far. */
export function chunkedError(buf: Buffer): string | undefined {
  const tracker = new ChunkedTracker();
  return tracker.feed(buf, 0) < 0 ? tracker.error : undefined;
}
