import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { bareObject } from './bare-object.js';

// %HasFastProperties is V8's own answer; natives syntax applies to functions compiled after the flag is set.
v8.setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

const fill = (o: Record<string, unknown>) => {
  for (const key of [':method', ':path', 'accept', 'user-agent', 'constructor', '__proto__']) o[key] = `v-${key}`;
  return o;
};

describe('bareObject', () => {
  it('has no inherited members: constructor and __proto__ are own fields like any other', () => {
    const o = fill(bareObject());
    expect(Object.keys(o)).toEqual([':method', ':path', 'accept', 'user-agent', 'constructor', '__proto__']);
    expect(o['constructor']).toBe('v-constructor');
    expect(Object.getOwnPropertyDescriptor(o, '__proto__')?.value).toBe('v-__proto__');
    expect('toString' in o || 'hasOwnProperty' in o).toBe(false);
  });

  it('stays in fast mode where Object.create(null) is a dictionary', () => {
    expect(hasFastProperties(fill(bareObject()))).toBe(true);
    expect(hasFastProperties(fill(Object.create(null) as Record<string, unknown>))).toBe(false);
  });
});
