// A keyed buffer that keeps the newest `capacity` entries in arrival order and counts what it evicted: the tap
// view's history (Linkerd's dashboard caps its rows the same way). Updating an entry does not move it.

export class BoundedBuffer<K, V> {
  readonly #entries = new Map<K, V>();
  #evicted = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Entries pushed out by newer ones since the buffer was created or cleared. */
  get evicted(): number {
    return this.#evicted;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** Adds or replaces; a new key beyond the capacity evicts the oldest entry. */
  set(key: K, value: V): void {
    if (!this.#entries.has(key) && this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
      this.#evicted += 1;
    }
    this.#entries.set(key, value);
  }

  /** Oldest first. */
  values(): IterableIterator<V> {
    return this.#entries.values();
  }

  /** Newest first, as the tap table shows them. */
  newestFirst(): V[] {
    return [...this.#entries.values()].reverse();
  }

  clear(): void {
    this.#entries.clear();
    this.#evicted = 0;
  }
}
