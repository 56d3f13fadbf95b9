// A bounded outbox for one tap receiver (a proxy's subscriber, a control-plane client). At most `window` messages
// are handed to the socket and not yet written out; at most `cap` more wait here. Beyond that new messages are
// dropped and counted, and the count goes out as a `dropped` notice as soon as there is room: a slow reader costs
// a bounded amount of memory and learns what it missed.

/** Writes one message; calls `done` once the transport has written it (ws `send(data, cb)`). */
export type OutboxSend = (message: string, done: (err?: Error) => void) => void;

export interface TapOutboxOptions {
  /** Messages waiting beyond the in-flight window. */
  readonly cap?: number;
  /** Messages handed to the socket and not yet written out. */
  readonly window?: number;
}

export class TapOutbox {
  readonly cap: number;
  readonly window: number;
  #queue: string[] = [];
  #head = 0;
  #inFlight = 0;
  #droppedSinceNotice = 0;
  #closed = false;
  /** Every message dropped so far. */
  droppedTotal = 0;
  /** Every message handed to the socket so far (notices included). */
  sentTotal = 0;

  constructor(
    private readonly send: OutboxSend,
    { cap = 1000, window = 32 }: TapOutboxOptions = {},
  ) {
    this.cap = cap;
    this.window = window;
  }

  /** Messages waiting (never more than `cap`). */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Queues `message`; false when it was dropped because the receiver is too slow. */
  push(message: string): boolean {
    if (this.#closed) return false;
    if (this.#inFlight < this.window && this.queued === 0 && this.#droppedSinceNotice === 0) {
      this.#write(message);
      return true;
    }
    if (this.queued >= this.cap) {
      this.#droppedSinceNotice += 1;
      this.droppedTotal += 1;
      return false;
    }
    this.#queue.push(message);
    this.#pump();
    return true;
  }

  /** Counts messages dropped before they reached this outbox (by an upstream outbox); reported like our own. */
  reportDropped(count: number): void {
    if (this.#closed || count <= 0) return;
    this.#droppedSinceNotice += count;
    this.droppedTotal += count;
    this.#pump();
  }

  /** Stops sending; queued messages are discarded. */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
  }

  #pump(): void {
    while (!this.#closed && this.#inFlight < this.window) {
      // The notice goes out first: it tells the reader that messages are missing before the ones that follow.
      if (this.#droppedSinceNotice > 0) {
        const count = this.#droppedSinceNotice;
        this.#droppedSinceNotice = 0;
        this.#write(JSON.stringify({ type: 'dropped', count }));
        continue;
      }
      if (this.queued === 0) break;
      const next = this.#queue[this.#head] as string;
      this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      this.#write(next);
    }
  }

  #write(message: string): void {
    this.#inFlight += 1;
    this.sentTotal += 1;
    let called = false;
    this.send(message, () => {
      if (called) return;
      called = true;
      this.#inFlight -= 1;
      this.#pump();
    });
  }
}
