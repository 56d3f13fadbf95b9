// Client-connection deadlines (header read, keep-alive idle) on one coarse timer per proxy instead of a timer per
// request: connections stamp `now` (a field read, no clock call) and a periodic sweep closes the late ones.
// Deadlines are therefore late by up to one tick, which is fine for timeouts measured in seconds.
import { monotonicMs } from '../clock.js';

export interface Sweepable {
  /** Called every tick with the current time (monotonicMs(), ms). */
  sweep(now: number): void;
}

export class Sweeper {
  /** The time of the last tick (ms, monotonicMs() clock): what connections stamp their events with. */
  now = monotonicMs();
  readonly #items = new Set<Sweepable>();
  readonly #timer: NodeJS.Timeout;

  constructor(readonly tickMs: number) {
    this.#timer = setInterval(() => this.#tick(), tickMs);
    this.#timer.unref();
  }

  /** A tick fine enough for the shortest deadline (a quarter of it), between 10 ms and 1 s. */
  static forDeadlines(...deadlinesMs: number[]): Sweeper {
    return new Sweeper(Math.min(1000, Math.max(10, Math.floor(Math.min(...deadlinesMs) / 4))));
  }

  add(item: Sweepable): void {
    this.#items.add(item);
  }

  delete(item: Sweepable): void {
    this.#items.delete(item);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#items.clear();
  }

  #tick(): void {
    const now = (this.now = monotonicMs());
    for (const item of this.#items) item.sweep(now);
  }
}
