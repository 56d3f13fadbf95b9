// Reads of a plain TCP socket into one buffer the process shares, each chunk copied out to its exact size and
// emitted as 'data' at once. Node otherwise allocates a fresh 64 KiB buffer for every read and passes the chunk
// through the Readable's push/flow machinery; for small HTTP/1 exchanges that is an eighth of a hop's CPU per
// request (`npm run bench`). Node has this mode as the `onread` option of `net.connect`, but not for sockets a
// server accepts, so it is switched on here the way the option does it: the socket's buffer and callback slots,
// and `useUserBuffer` on its handle. Everything that reads the socket ('data', 'end', pause/resume, bytesRead)
// behaves as before: pause() stops the handle's reads in this mode, as it does for `onread` sockets, and a chunk
// goes through the Readable only when bytes wait there or nobody is reading.
import net from 'node:net';

interface Slots {
  readonly buffer: symbol;
  readonly callback: symbol;
}

type Internals = Record<symbol, unknown> & {
  _handle: { useUserBuffer?: (buf: Buffer) => void } | null;
  encrypted?: boolean;
};

/** 64 KiB, as libuv's reads: a single read of a large body is no smaller than before. */
const shared = Buffer.allocUnsafe(64 * 1024);

const slots = findSlots();

function findSlots(): Slots | undefined {
  const symbols = Object.getOwnPropertySymbols(new net.Socket());
  const buffer = symbols.find((s) => s.description === 'kBuffer');
  const callback = symbols.find((s) => s.description === 'kBufferCb');
  return buffer && callback ? { buffer, callback } : undefined;
}

/**
 * Switches `socket` (plain TCP, not TLS) to direct reads. Returns false, changing nothing, where this Node has no
 * such mode or the socket is not a plain TCP socket: it then reads as every Node socket does.
 */
export function readDirect(socket: net.Socket): boolean {
  const s = socket as unknown as Internals;
  const handle = s._handle;
  if (!slots || s.encrypted || !handle || typeof handle.useUserBuffer !== 'function' || s[slots.buffer]) return false;
  s[slots.buffer] = shared;
  s[slots.callback] = (n: number, buf: Buffer): boolean => {
    const chunk = Buffer.allocUnsafe(n);
    buf.copy(chunk, 0, 0, n);
    if (socket.readableFlowing === true && socket.readableLength === 0) {
      socket.emit('data', chunk);
      return true;
    }
    // Bytes Node read before the switch still wait, or the socket was paused while its handle read on (a pause
    // before the switch does not stop reads): queue behind them, and stop reading at the high-water mark.
    return socket.push(chunk);
  };
  handle.useUserBuffer(shared);
  return true;
}
