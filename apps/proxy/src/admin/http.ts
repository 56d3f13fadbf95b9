// HTTP/1.1 for the admin port (and the mTLS tap listener), on the proxy's own head parser (http/parse-head.ts) rather
// than node:http, which these were the only users of: node:http is ten more built-in modules and the llhttp parser,
// ~1 MB of heap and of the node binary's pages in every proxy. Small on purpose, for what the admin port serves:
// - one request at a time per connection, answered in order (a pipelined one waits for the answer before it);
// - no request bodies: no admin endpoint takes one, so a request with one is answered and the connection closed;
// - keep-alive for HTTP/1.1 (and HTTP/1.0 that asks for it): Prometheus scrapes over one connection;
// - an Upgrade (tap's WebSocket) is handed over with the socket and the bytes after its head;
// - a connection has `headTimeoutMs` to send each head, from its start or the last answer (slowloris, idle ones).
import type net from 'node:net';
import { bareObject } from '../bare-object.js';
import { originForm } from '../http/authority.js';
import { getHeader, listHas, requestFraming } from '../http/framing.js';
import { wantsClose } from '../http/headers.js';
import { parseRequestHead, type Header } from '../http/parse-head.js';
import { formatPlainResponse, type PlainResponse } from '../http/response.js';

/** A request as the admin routes and tap's upgrade see it (a subset of node:http's IncomingMessage). */
export interface AdminRequest {
  readonly method: string;
  /** The request-target in origin-form (`/metrics?x=1`). */
  readonly url: string;
  /** Lower-cased names; repeated fields joined with ", " (RFC 9110 §5.3). */
  readonly headers: Readonly<Record<string, string>>;
  readonly socket: net.Socket;
}

export type AdminResponse = Pick<PlainResponse, 'status' | 'body' | 'contentType'>;

export interface AdminRoutes {
  /** The answer to a request; a rejection is answered 500 with its message. */
  respond(req: AdminRequest): AdminResponse | Promise<AdminResponse>;
  /** Called once the answer has been written (POST /shutdown starts draining then). */
  answered?(req: AdminRequest, res: AdminResponse): void;
  /** Takes over an Upgrade request's socket; false: it is refused with a 404. */
  upgrade(req: AdminRequest, socket: net.Socket, head: Buffer): boolean;
}

export interface AdminHttp {
  /** Serves HTTP/1.1 on an accepted (or TLS-terminated) connection. */
  accept(socket: net.Socket): void;
  /** Closes every connection not handed over by an upgrade (shutdown). */
  closeAll(): void;
}

/** A listener serving admin HTTP/1.1 (the admin port, the tap listener). */
export interface AdminListener extends Pick<AdminHttp, 'closeAll'> {
  readonly server: net.Server;
}

/** Admin heads are small; a 431 well before the data path's 64 KiB. */
const maxAdminHeadBytes = 16 * 1024;

export function createAdminHttp(routes: AdminRoutes, { headTimeoutMs = 10_000 } = {}): AdminHttp {
  const open = new Set<net.Socket>();
  return {
    accept(socket) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      serve(socket, routes, headTimeoutMs, () => open.delete(socket));
    },
    closeAll() {
      for (const s of open) s.destroy();
      open.clear();
    },
  };
}

function serve(socket: net.Socket, routes: AdminRoutes, headTimeoutMs: number, handedOver: () => void): void {
  let buffered: Buffer | undefined;
  let busy = false;
  // Armed while a head is awaited (from the connection's start, or the last answer), not while one is answered.
  let deadline: NodeJS.Timeout | undefined;
  const awaitHead = () => {
    deadline = setTimeout(() => socket.destroy(), headTimeoutMs);
    deadline.unref();
  };
  const stopDeadline = () => clearTimeout(deadline);
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.once('close', stopDeadline);
  const onData = (chunk: Buffer) => {
    buffered = buffered ? Buffer.concat([buffered, chunk]) : chunk;
    // What a client sends ahead while an answer is pending waits in the kernel beyond one head's worth.
    if (busy && buffered.length > maxAdminHeadBytes) socket.pause();
    next();
  };
  socket.on('data', onData);
  awaitHead();

  const refuse = (status: 400 | 431, reason: string) => {
    stopDeadline();
    socket.off('data', onData);
    socket.end(formatPlainResponse({ status, body: `${reason}\n`, close: true }));
  };

  function next(): void {
    while (!busy && buffered) {
      const parsed = parseRequestHead(buffered, maxAdminHeadBytes);
      if (parsed.kind === 'incomplete') return;
      if (parsed.kind === 'error') return refuse(parsed.status, parsed.reason);
      stopDeadline();
      const { head } = parsed;
      const rest = parsed.size < buffered.length ? buffered.subarray(parsed.size) : undefined;
      buffered = undefined;
      const framing = requestFraming(head);
      if (framing.kind === 'error') return refuse(400, framing.reason);
      const req: AdminRequest = { method: head.method, url: originForm(head.target), headers: headerRecord(head.headers), socket };
      if (listHas(head.headers, 'connection', 'upgrade') && getHeader(head.headers, 'upgrade') !== undefined) {
        socket.off('data', onData);
        handedOver();
        if (!routes.upgrade(req, socket, rest ?? Buffer.alloc(0)))
          socket.end(formatPlainResponse({ status: 404, body: 'not found\n', close: true }));
        return;
      }
      const close = framing.kind !== 'none' || wantsClose(head.headers, head.minor);
      if (close) socket.off('data', onData);
      else buffered = rest;
      busy = true;
      answer(req, head.minor, close);
    }
  }

  function answer(req: AdminRequest, minor: 0 | 1, close: boolean): void {
    new Promise<AdminResponse>((resolve) => resolve(routes.respond(req))).then(
      (res) => send(req, res, minor, close),
      (err: unknown) => send(req, { status: 500, body: `${(err as Error).message}\n` }, minor, close),
    );
  }

  function send(req: AdminRequest, res: AdminResponse, minor: 0 | 1, close: boolean): void {
    if (socket.destroyed) return;
    const bytes = formatPlainResponse({ ...res, close, keepAlive10: minor === 0 && !close, head: req.method === 'HEAD', date: true });
    socket.write(bytes, () => routes.answered?.(req, res));
    if (close) return void socket.end();
    busy = false;
    awaitHead();
    socket.resume();
    next();
  }
}

function headerRecord(headers: readonly Header[]): Record<string, string> {
  const out = bareObject<Record<string, string>>();
  for (const h of headers) out[h.lower] = out[h.lower] === undefined ? h.value : `${out[h.lower]}, ${h.value}`;
  return out;
}
