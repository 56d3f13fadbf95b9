// The proxy's tap subscriptions and the three per-request hooks the HTTP path calls. `active` is the only thing an
// untapped request touches; everything else (event objects, matching, JSON) happens only while someone taps.
import {
  defaultRedactedHeaders,
  meshHeaders,
  type RequestInitEvent,
  type TapEvent,
  type TapHeader,
  type TapMatch,
  type TapPeer,
} from '@signalbox/shared';
import type { Exchange } from '../http/server.js';
import type { Header } from '../http/parse-head.js';
import type { MetricTarget } from '../telemetry/labels.js';
import { remoteAddr, requestLine, tapHeaders } from './event.js';
import { matchTap } from './match.js';
import type { RateWindow } from './rate-window.js';
import { monotonicMs } from '../clock.js';

/** One open subscription, as the registry sees it (the WebSocket side lives in server.ts). */
export interface TapSubscriber {
  readonly match: TapMatch | undefined;
  readonly rate: RateWindow;
  readonly extractHeaders: boolean;
  /** Hands one serialised message to the subscriber's bounded outbox. */
  send(message: string): void;
}

export interface TapRegistryOptions {
  /** Extra header names to redact, besides Authorization, Cookie, Set-Cookie and Proxy-Authorization. */
  readonly redactHeaders?: readonly string[];
  readonly now?: () => number;
}

export class TapRegistry {
  /** The one flag the request path checks: true while at least one subscription is open. */
  active = false;
  readonly #subscribers = new Set<TapSubscriber>();
  readonly redact: ReadonlySet<string>;
  readonly #now: () => number;
  #nextStream = 0;
  /** This pod's meta labels, as the control plane sent them with the latest subscription. */
  #self: Readonly<Record<string, string>> = {};

  constructor(options: TapRegistryOptions = {}) {
    this.redact = new Set([...defaultRedactedHeaders, ...(options.redactHeaders ?? [])].map((h) => h.toLowerCase()));
    this.#now = options.now ?? monotonicMs;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  add(sub: TapSubscriber, self: Readonly<Record<string, string>>): void {
    this.#self = self;
    this.#subscribers.add(sub);
    this.active = true;
  }

  remove(sub: TapSubscriber): void {
    this.#subscribers.delete(sub);
    this.active = this.#subscribers.size > 0;
  }

  /**
   * Hook 1, when a request is dispatched to an endpoint (where, as in Linkerd, both peers are known). `target` is
   * the endpoint's metric target: direction, address, discovery labels and the TLS state. Returns undefined
   * unless some subscriber wants the request.
   */
  requestInit(ex: Pick<Exchange, 'head' | 'client' | 'startedAt'>, target: MetricTarget): TappedRequest | undefined {
    // Under load every subscriber's window is spent within the first milliseconds of each second: those requests
    // are refused before anything is built for them (an event is built only to be matched against a window open).
    if (!this.#anyOpen()) return undefined;
    const self = this.#self;
    // As Linkerd's tap: `tls` is "true" on an mTLS hop (the peer identity alongside), else why it is not.
    const remote: Record<string, string> = { ...target.dst, tls: target.tls && target.tls !== 'opaque' ? 'true' : target.noTlsReason };
    if (target.tls && target.tls !== 'opaque') remote[target.direction === 'inbound' ? 'client_id' : 'server_id'] = 'clientId' in target.tls ? target.tls.clientId : target.tls.serverId;
    const client: TapPeer = { addr: remoteAddr(ex.client), meta: target.direction === 'inbound' ? remote : { ...self } };
    const server: TapPeer = { addr: target.addr, meta: target.direction === 'inbound' ? { ...self } : remote };
    const { authority, path } = requestLine(ex.head);
    const event: RequestInitEvent = {
      id: { base: 0, stream: 0 },
      direction: target.direction,
      source: client,
      destination: server,
      at: Date.now(),
      requestInit: { method: ex.head.method, scheme: 'http', authority, path, headers: [] },
    };
    let matched: TapSubscriber[] | undefined;
    for (const sub of this.#subscribers) {
      if (sub.match && !matchTap(sub.match, event)) continue;
      if (!sub.rate.take()) continue;
      (matched ??= []).push(sub);
    }
    if (!matched) return undefined;
    const tapped = new TappedRequest(this, matched, event, ex.startedAt, (this.#nextStream += 1));
    tapped.emit({ ...event, id: tapped.id }, ex.head.headers, (e, headers) => ({
      ...e,
      requestInit: { ...event.requestInit, headers },
    }));
    return tapped;
  }

  now(): number {
    return this.#now();
  }

  #anyOpen(): boolean {
    for (const sub of this.#subscribers) if (sub.rate.open()) return true;
    return false;
  }
}

/** One tapped request: the subscribers it matched, and the facts every later event repeats. */
export class TappedRequest {
  readonly id: { base: number; stream: number };
  #responseAt: number | undefined;

  constructor(
    private readonly registry: TapRegistry,
    private readonly subscribers: readonly TapSubscriber[],
    private readonly init: RequestInitEvent,
    private readonly startedAt: number,
    stream: number,
  ) {
    this.id = { base: 0, stream };
  }

  /** Hook 2: the response head arrived (or the proxy answered itself). */
  responseInit(status: number, headers: readonly Header[]): void {
    const t = this.registry.now();
    this.#responseAt = t;
    const { requestInit: _, ...base } = this.init;
    this.emit({ ...base, id: this.id, at: Date.now() }, headers, (e, h) => ({
      ...e,
      responseInit: { sinceRequestInitUs: us(t - this.startedAt), status, headers: h },
    }));
  }

  /** Hooks 2 and 3 at once, for a response the proxy generated itself (`signalbox-proxy-error: <code>`). */
  proxyResponse(status: number, code: string, responseBytes: number): void {
    this.responseInit(status, [{ name: meshHeaders.proxyError, lower: meshHeaders.proxyError, value: code }]);
    this.responseEnd(responseBytes);
  }

  /** Hook 3: the response ended (`resetError` when it did not end cleanly; `grpcStatus` from the trailers). */
  responseEnd(responseBytes: number, resetError?: string, grpcStatus?: number): void {
    const t = this.registry.now();
    const { requestInit: _, ...base } = this.init;
    const end = {
      sinceRequestInitUs: us(t - this.startedAt),
      sinceResponseInitUs: this.#responseAt === undefined ? 0 : us(t - this.#responseAt),
      responseBytes,
      ...(grpcStatus !== undefined ? { grpcStatus } : {}),
      ...(resetError ? { resetError } : {}),
      trailers: [],
    };
    this.emit({ ...base, id: this.id, at: Date.now() }, [], (e) => ({ ...e, responseEnd: end }));
  }

  /**
   * Serialises the event at most twice (with and without headers) whatever the number of subscribers, and hands
   * it to each one's bounded outbox.
   */
  emit<B>(base: B, headers: readonly Header[], build: (base: B, headers: TapHeader[]) => TapEvent): void {
    let bare: string | undefined;
    let full: string | undefined;
    for (const sub of this.subscribers) {
      if (sub.extractHeaders && headers.length > 0) {
        full ??= JSON.stringify({ type: 'event', event: build(base, tapHeaders(headers, this.registry.redact)) });
        sub.send(full);
      } else {
        bare ??= JSON.stringify({ type: 'event', event: build(base, []) });
        sub.send(bare);
      }
    }
  }
}

function us(ms: number): number {
  return Math.max(0, Math.round(ms * 1000));
}
