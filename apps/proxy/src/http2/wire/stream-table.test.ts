// stream-table.ts: a session's open streams by id, checked against a Map as the model.
import { describe, expect, it } from 'vitest';
import { random } from '../../../test/support/random.js';
import { StreamTable } from './stream-table.js';

describe('StreamTable', () => {
  it('adds, finds, replaces and deletes streams by id', () => {
    const table = new StreamTable<string>();
    table.set(1, 'one');
    table.set(3, 'three');
    expect(table.get(1)).toBe('one');
    expect(table.get(3)).toBe('three');
    expect(table.get(5)).toBeUndefined();
    table.set(3, 'three again');
    expect(table.size).toBe(2);
    expect(table.get(3)).toBe('three again');
    expect(table.delete(1)).toBe(true);
    expect(table.delete(1)).toBe(false);
    expect(table.get(1)).toBeUndefined();
    expect(table.size).toBe(1);
    expect(table.values()).toEqual(['three again']);
  });

  it('keeps every id of a colliding run findable when one before it goes, at the end of the table too', () => {
    const table = new StreamTable<number>();
    // 16 slots: ids 31, 63 and 95 all start at slot 15 and wrap around to slots 0 and 1; 1 starts at slot 0.
    for (const id of [31, 63, 95, 1]) table.set(id, id);
    expect(table.delete(31)).toBe(true);
    for (const id of [63, 95, 1]) expect(table.get(id)).toBe(id);
    expect(table.delete(63)).toBe(true);
    expect(table.get(95)).toBe(95);
    expect(table.get(1)).toBe(1);
    expect(table.values().sort((a, b) => a - b)).toEqual([1, 95]);
  });

  it('grows past its first size without losing a stream', () => {
    const table = new StreamTable<number>();
    for (let id = 1; id < 2000; id += 2) table.set(id, id);
    expect(table.size).toBe(1000);
    for (let id = 1; id < 2000; id += 2) expect(table.get(id)).toBe(id);
  });

  it('gives the open streams as an array that deleting during the walk does not change', () => {
    const table = new StreamTable<number>();
    for (let id = 1; id <= 9; id += 2) table.set(id, id);
    const seen: number[] = [];
    for (const id of table.values()) {
      seen.push(id);
      table.delete(id);
    }
    expect(seen.sort((a, b) => a - b)).toEqual([1, 3, 5, 7, 9]);
    expect(table.size).toBe(0);
  });

  it('forgets everything on clear', () => {
    const table = new StreamTable<number>();
    table.set(1, 1);
    table.set(2, 2);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(1)).toBeUndefined();
    expect(table.values()).toEqual([]);
    table.set(1, 10);
    expect(table.get(1)).toBe(10);
  });

  it('answers as a Map would over a long run of streams opening and closing out of order', () => {
    const next = random(7);
    const table = new StreamTable<number>();
    const model = new Map<number, number>();
    let id = 1;
    for (let step = 0; step < 20_000; step++) {
      const open = [...model.keys()];
      if (open.length === 0 || (open.length < 300 && next(3) > 0)) {
        // Sequential odd ids with gaps, as a client that skips some.
        id += 2 * (1 + next(3));
        table.set(id, step);
        model.set(id, step);
      } else {
        const victim = open[next(open.length)]!;
        expect(table.delete(victim)).toBe(true);
        model.delete(victim);
      }
      if (step % 97 === 0) {
        expect(table.size).toBe(model.size);
        for (const [k, v] of model) expect(table.get(k)).toBe(v);
        for (let probe = 0; probe < 20; probe++) {
          const k = 1 + 2 * next(id >>> 1);
          expect(table.get(k)).toBe(model.get(k));
        }
        expect(table.values().sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
      }
    }
  });
});
