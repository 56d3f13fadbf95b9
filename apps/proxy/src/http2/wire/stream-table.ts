// A session's open streams by id. Not a Map, for the garbage collector's sake: a Map's backing table is replaced
// whenever deleted entries fill it (every few hundred streams), and the table it drops still points at the streams
// that were open then. Once that table has been promoted to the old generation it keeps those streams, and all
// they reference, alive through every scavenge until the next full GC, so they are promoted too: at a 1 MiB young
// generation, hundreds of KB of finished streams per scavenge. Here a slot is emptied when its stream goes, and the
// arrays are replaced only to grow (and emptied then), so no dropped array points at a stream.
//
// Open addressing with linear probing on the id (ids are sequential odd or even numbers, hence `>>> 1`), and
// deletion by shifting later entries back, so lookups never meet tombstones.

const MIN_CAPACITY = 16;

export class StreamTable<T> {
  #ids: Int32Array = new Int32Array(MIN_CAPACITY);
  #values: (T | undefined)[] = new Array<T | undefined>(MIN_CAPACITY).fill(undefined);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(id: number): T | undefined {
    const mask = this.#ids.length - 1;
    for (let i = (id >>> 1) & mask; ; i = (i + 1) & mask) {
      const value = this.#values[i];
      if (value === undefined) return undefined;
      if (this.#ids[i] === id) return value;
    }
  }

  /** Adds or replaces the stream with `id` (a positive stream id, below 2^31). */
  set(id: number, value: T): void {
    if ((this.#size + 1) * 2 > this.#ids.length) this.#grow();
    const mask = this.#ids.length - 1;
    let i = (id >>> 1) & mask;
    while (this.#values[i] !== undefined && this.#ids[i] !== id) i = (i + 1) & mask;
    if (this.#values[i] === undefined) this.#size++;
    this.#ids[i] = id;
    this.#values[i] = value;
  }

  delete(id: number): boolean {
    const mask = this.#ids.length - 1;
    let i = (id >>> 1) & mask;
    for (; ; i = (i + 1) & mask) {
      if (this.#values[i] === undefined) return false;
      if (this.#ids[i] === id) break;
    }
    // Backward shift: each later entry of the run moves into the gap unless its home lies cyclically after the gap.
    let gap = i;
    for (let j = (gap + 1) & mask; this.#values[j] !== undefined; j = (j + 1) & mask) {
      const home = (this.#ids[j]! >>> 1) & mask;
      const stays = gap <= j ? gap < home && home <= j : gap < home || home <= j;
      if (stays) continue;
      this.#ids[gap] = this.#ids[j]!;
      this.#values[gap] = this.#values[j];
      gap = j;
    }
    this.#values[gap] = undefined;
    this.#size--;
    return true;
  }

  /** The streams open now, as a new array: callers may close them (and so delete them) while going through it. */
  values(): T[] {
    const out: T[] = [];
    for (const value of this.#values) if (value !== undefined) out.push(value);
    return out;
  }

  clear(): void {
    this.#values.fill(undefined);
    this.#size = 0;
  }

  #grow(): void {
    const ids = this.#ids;
    const values = this.#values;
    this.#ids = new Int32Array(ids.length * 2);
    this.#values = new Array<T | undefined>(ids.length * 2).fill(undefined);
    this.#size = 0;
    for (let i = 0; i < ids.length; i++) {
      const value = values[i];
      if (value !== undefined) this.set(ids[i]!, value);
    }
    values.fill(undefined);
  }
}
