import { describe, expect, it } from 'vitest';
import { parsePortRanges, portInRanges, portRangeSchema, validPortRanges } from './port-ranges.js';

describe('port ranges', () => {
  it.each([['25,3306, 8000-8010', ['25', '3306', '8000-8010']], ['', []]])('parsePortRanges(%j)', (input, expected) => {
    expect(parsePortRanges(input)).toEqual(expected);
  });
  it.each(['0', '70000', '10-5', 'http', '80,-3'])('parsePortRanges refuses %j', (input) => {
    expect(() => parsePortRanges(input)).toThrow(/is not a port/);
    expect(portRangeSchema.safeParse(input).success).toBe(false);
  });
  it('validPortRanges keeps the good entries of an annotation and drops the rest', () => {
    expect(validPortRanges(' 25, http,8000-8010,0,')).toEqual(['25', '8000-8010']);
  });
  it.each([
    [25, true],
    [8000, true],
    [8005, true],
    [8010, true],
    [8011, false],
    [26, false],
  ])('port %i in 25,8000-8010: %s', (port, inside) => {
    expect(portInRanges(port, ['25', '8000-8010'])).toBe(inside);
  });
});
