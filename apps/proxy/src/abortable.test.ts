import { describe, expect, it } from 'vitest';
import { sleep, untilAborted } from './abortable.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('untilAborted', () => {
  it('passes the value through when it comes first', async () => {
    const d = deferred<string>();
    const released: string[] = [];
    const p = untilAborted(d.promise, new AbortController().signal, (late) => released.push(late));
    d.resolve('pick');
    await expect(p).resolves.toBe('pick');
    expect(released).toEqual([]);
  });

  it("rejects with the signal's reason, and releases a value that arrives too late", async () => {
    const d = deferred<string>();
    const released: string[] = [];
    const c = new AbortController();
    const p = untilAborted(d.promise, c.signal, (late) => released.push(late));
    c.abort(new Error('timeout'));
    await expect(p).rejects.toThrow('timeout');
    d.resolve('stream');
    await d.promise;
    expect(released).toEqual(['stream']);
  });

  it('rejects at once on an aborted signal, and with the error of a failed wait', async () => {
    const c = new AbortController();
    c.abort(new Error('late already'));
    await expect(untilAborted(new Promise<never>(() => {}), c.signal, () => {})).rejects.toThrow('late already');
    const d = deferred<string>();
    const p = untilAborted(d.promise, new AbortController().signal, () => {});
    d.reject(new Error('refused'));
    await expect(p).rejects.toThrow('refused');
  });
});

describe('sleep', () => {
  it("an abort cuts the wait short with the signal's reason", async () => {
    const c = new AbortController();
    const p = sleep(60_000, c.signal);
    c.abort(new Error('timeout'));
    await expect(p).rejects.toThrow('timeout');
  });
});
