// One tap stream from the browser: a WebSocket to the dashboard's `/api/tap` relay, whose first message is the
// TapRequest; messages go to a sink (the tap table's capture, top's aggregation, the topology's dots). A store for
// useSyncExternalStore: its state is what the status line shows. Transient ends (API or dashboard gone) reconnect
// with backoff when asked to; a refused request does not.
import { tapMessageSchema, type TapEvent, type TapRequestInput } from '@signalbox/shared';
import { TAP_RELAY_PATH } from '../../lib/tap-relay';
import type { TapNotice } from './tap-capture';
import { describeTapClose, reconnectDelayMs, type TapStreamState } from './tap-status';

/** Where a stream's messages go. */
export interface TapSink {
  /** A (re)connection: stream ids start over. */
  newSession(): void;
  addEvent(event: TapEvent): void;
  addDropped(count: number): void;
  addNotice(notice: TapNotice): void;
}

export interface TapSocketOptions {
  readonly autoReconnect?: boolean;
  /** The relay's URL; by default this page's host. */
  readonly url?: () => string;
}

export function relayUrl(): string {
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}${TAP_RELAY_PATH}`;
}

export class TapSocket {
  #state: TapStreamState = { kind: 'idle' };
  readonly #listeners = new Set<() => void>();
  #ws: WebSocket | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;

  constructor(
    private readonly sink: TapSink,
    private readonly options: TapSocketOptions = {},
  ) {}

  /** Starts a stream for `request`, ending any current one. */
  start(request: TapRequestInput): void {
    this.#teardown();
    this.#attempt = 0;
    this.#connect(JSON.stringify(request));
  }

  /** The user stopped the stream (or the view went away). */
  stop(): void {
    const wasRunning = this.#ws !== undefined || this.#timer !== undefined;
    this.#teardown();
    if (wasRunning) this.#set({ kind: 'stopped' });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): TapStreamState => this.#state;

  #connect(request: string): void {
    this.#timer = undefined;
    this.#set({ kind: 'connecting' });
    this.sink.newSession();
    const ws = new WebSocket((this.options.url ?? relayUrl)());
    this.#ws = ws;
    ws.onopen = () => {
      ws.send(request);
      this.#set({ kind: 'streaming' });
    };
    ws.onmessage = (m: MessageEvent) => {
      this.#attempt = 0;
      if (typeof m.data === 'string') deliverTapMessage(m.data, this.sink);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.#ws !== ws) return; // stopped or replaced meanwhile
      this.#ws = undefined;
      const end = describeTapClose(e.code, e.reason);
      if (this.options.autoReconnect && end.transient) {
        const delay = reconnectDelayMs(this.#attempt);
        this.#attempt += 1;
        this.#timer = setTimeout(() => this.#connect(request), delay);
        this.#set({ kind: 'ended', end, reconnectAt: Date.now() + delay });
      } else this.#set({ kind: 'ended', end });
    };
  }

  #teardown(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'stopped');
  }

  #set(state: TapStreamState): void {
    this.#state = state;
    for (const l of this.#listeners) l();
  }
}

/** One relay message → the sink: validated against the shared schema; anything else is ignored. */
export function deliverTapMessage(text: string, sink: TapSink): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return;
  }
  const parsed = tapMessageSchema.safeParse(json);
  if (!parsed.success) return;
  const m = parsed.data;
  if (m.type === 'event') sink.addEvent(m.event);
  else if (m.type === 'dropped') sink.addDropped(m.count);
  else sink.addNotice({ code: m.code, message: m.message, ...(m.pod ? { pod: m.pod } : {}), at: Date.now() });
}
