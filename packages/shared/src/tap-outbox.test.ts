import { describe, expect, it } from 'vitest';
import { TapOutbox } from './tap-outbox.js';

/** A transport that only "writes" when the test says so: a reader that has stopped reading. */
function stalledTransport() {
  const sent: string[] = [];
  const pending: (() => void)[] = [];
  return {
    sent,
    send: (m: string, done: () => void) => {
      sent.push(m);
      pending.push(done);
    },
    /** The reader catches up with every write made so far (not those the completions trigger). */
    flush() {
      for (const done of pending.splice(0)) done();
    },
  };
}

describe('TapOutbox', () => {
  it('sends at once while the reader keeps up', () => {
    const t = stalledTransport();
    const box = new TapOutbox(t.send, { cap: 2, window: 2 });
    box.push('a');
    t.flush();
    box.push('b');
    expect(t.sent).toEqual(['a', 'b']);
    expect(box.queued).toBe(0);
  });

  it('keeps at most cap waiting, drops and counts the rest, then reports the count first', () => {
    const t = stalledTransport();
    const box = new TapOutbox(t.send, { cap: 3, window: 2 });
    const accepted = Array.from({ length: 100 }, (_, i) => box.push(`m${i}`));
    expect(t.sent).toEqual(['m0', 'm1']);
    expect(box.queued).toBe(3);
    expect(box.inFlight).toBe(2);
    expect(box.droppedTotal).toBe(95);
    expect(accepted.filter(Boolean)).toHaveLength(5);
    t.flush();
    expect(t.sent.slice(2, 4)).toEqual([JSON.stringify({ type: 'dropped', count: 95 }), 'm2']);
    t.flush();
    t.flush();
    expect(t.sent.slice(4)).toEqual(['m3', 'm4']);
    expect(box.queued).toBe(0);
  });

  it('adds drops reported from upstream to its own', () => {
    const t = stalledTransport();
    const box = new TapOutbox(t.send, { cap: 1, window: 1 });
    box.push('a');
    box.reportDropped(7);
    box.push('b');
    expect(box.droppedTotal).toBe(7);
    t.flush();
    expect(t.sent).toEqual(['a', JSON.stringify({ type: 'dropped', count: 7 })]);
    t.flush();
    expect(t.sent[2]).toBe('b');
  });

  it('sends nothing after close', () => {
    const t = stalledTransport();
    const box = new TapOutbox(t.send, { cap: 5, window: 1 });
    box.push('a');
    box.push('b');
    box.close();
    t.flush();
    expect(box.push('c')).toBe(false);
    expect(t.sent).toEqual(['a']);
  });
});
