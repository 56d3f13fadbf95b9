// In a node of its own: the young generation's size is per process, and this test's process has grown its own.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// Allocates objects of which ~10 000 are alive at any time, so every scavenge finds survivors (what makes V8 grow
// the young generation), yielding to the event loop as a proxy does between reads.
const script = `
import v8 from 'node:v8';
v8.setFlagsFromString('--semi-space-growth-factor=1'); // heap.ts
const { letYoungGenerationGrowOnce } = await import(process.argv[1]);
const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
const survive = async (n) => {
  let keep = [];
  for (let i = 0; i < n; i++) {
    keep.push({ i, s: String(i) });
    if (keep.length >= 20000) keep = keep.slice(10000);
    if (i % 2000 === 0) await new Promise(setImmediate);
  }
};
await survive(300000);
const settled = size();
await survive(300000);
const held = size();
letYoungGenerationGrowOnce();
letYoungGenerationGrowOnce();
await survive(1500000);
console.log(JSON.stringify({ settled, held, grown: size() }));
`;

it('keeps the young generation at its size until asked, then lets it grow once, to twice that, and no further', async () => {
  const module = path.join(import.meta.dirname, '../dist/young-generation.js');
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, module]);
  const { settled, held, grown } = JSON.parse(stdout) as { settled: number; held: number; grown: number };
  expect(held).toBe(settled);
  expect(grown).toBe(2 * settled);
});
