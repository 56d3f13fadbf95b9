import { once } from 'node:events';
import http2 from 'node:http2';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HpackDecoder, HpackEncoder, HpackError } from './hpack.js';
import { huffmanDecode, huffmanEncode, huffmanEncodedLength } from './huffman.js';
import { random } from '../../../test/support/random.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

/** RFC 9113 §6.5.2: octets of names and values plus 32 per field. */
const listSize = (fields: readonly string[]): number =>
  fields.reduce((sum, s, i) => sum + s.length + (i % 2 === 0 ? 32 : 0), 0);

function decode(decoder: HpackDecoder, block: Uint8Array): { fields: string[]; size: number } {
  const fields: string[] = [];
  const size = decoder.decode(block, 0, block.length, fields);
  return { fields, size };
}


const randomLatin1 = (next: (n: number) => number, length: number): string =>
  String.fromCharCode(...Array.from({ length }, () => next(256)));

// RFC 7541 Appendix C.3 / C.4: three requests on one connection.
const requests = [
  [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'www.example.com'],
  [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'www.example.com', 'cache-control', 'no-cache'],
  [
    ':method', 'GET', ':scheme', 'https', ':path', '/index.html', ':authority', 'www.example.com',
    'custom-key', 'custom-value',
  ],
];
const requestTables = [
  { size: 57, length: 1 },
  { size: 110, length: 2 },
  { size: 164, length: 3 },
];
const c3 = [
  '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
  '8286 84be 5808 6e6f 2d63 6163 6865',
  '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
];
const c4 = [
  '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
  '8286 84be 5886 a8eb 1064 9cbf',
  '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
];

// RFC 7541 Appendix C.5 / C.6: three responses through a 256-octet table, which evicts.
const date1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const date2 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const location = 'https://www.example.com';
const cookie = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const responses = [
  [':status', '302', 'cache-control', 'private', 'date', date1, 'location', location],
  [':status', '307', 'cache-control', 'private', 'date', date1, 'location', location],
  [
    ':status', '200', 'cache-control', 'private', 'date', date2, 'location', location, 'content-encoding', 'gzip',
    'set-cookie', cookie,
  ],
];
const responseTables = [
  { size: 222, length: 4 },
  { size: 222, length: 4 },
  { size: 215, length: 3 },
];
const c5 = [
  '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d' +
    '546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
  '4803 3330 37c1 c0bf',
  '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f' +
    '6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b' +
    '2076 6572 7369 6f6e 3d31',
];
const c6 = [
  '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7' +
    '8f0b 97c8 e9ae 82ae 43d3',
  '4883 640e ffc1 c0bf',
  '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335' +
    'dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
];

describe('HpackDecoder on RFC 7541 Appendix C', () => {
  it.each([
    { name: 'C.2.1 literal with indexing', block: '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572',
      fields: ['custom-key', 'custom-header'], table: 55 },
    { name: 'C.2.2 literal without indexing', block: '040c 2f73 616d 706c 652f 7061 7468',
      fields: [':path', '/sample/path'], table: 0 },
    { name: 'C.2.3 literal never indexed', block: '1008 7061 7373 776f 7264 0673 6563 7265 74',
      fields: ['password', 'secret'], table: 0 },
    { name: 'C.2.4 indexed', block: '82', fields: [':method', 'GET'], table: 0 },
  ])('$name', ({ block, fields, table }) => {
    const decoder = new HpackDecoder();
    expect(decode(decoder, hex(block))).toEqual({ fields, size: listSize(fields) });
    expect(decoder.tableSize).toBe(table);
  });

  it.each([
    ['C.3 requests without Huffman', c3],
    ['C.4 requests with Huffman', c4],
  ])('%s, one decoder across them', (_name, blocks) => {
    const decoder = new HpackDecoder();
    blocks.forEach((block, i) => {
      expect(decode(decoder, hex(block))).toEqual({ fields: requests[i], size: listSize(requests[i] as string[]) });
      expect({ size: decoder.tableSize, length: decoder.tableLength }).toEqual(requestTables[i]);
    });
  });

  it.each([
    ['C.5 responses without Huffman', c5],
    ['C.6 responses with Huffman', c6],
  ])('%s, a 256-octet table evicting', (_name, blocks) => {
    const decoder = new HpackDecoder(256);
    blocks.forEach((block, i) => {
      expect(decode(decoder, hex(block))).toEqual({ fields: responses[i], size: listSize(responses[i] as string[]) });
      expect({ size: decoder.tableSize, length: decoder.tableLength }).toEqual(responseTables[i]);
    });
  });
});

describe('HpackEncoder on RFC 7541 Appendix C', () => {
  it("makes C.4's bytes: its strategy is the RFC's there (index what repeats, Huffman when shorter)", () => {
    const encoder = new HpackEncoder();
    const decoder = new HpackDecoder();
    requests.forEach((fields, i) => {
      const block = encoder.encode(fields);
      expect(block.toString('hex')).toBe(hex(c4[i] as string).toString('hex'));
      expect(decode(decoder, block).fields).toEqual(fields);
      expect(encoder.tableSize).toBe(decoder.tableSize);
    });
  });

  it("makes C.6's bytes but for a first size update, a raw 307 and a never-indexed set-cookie", () => {
    const encoder = new HpackEncoder(256);
    const decoder = new HpackDecoder(256);
    const expected = [
      // The peer's table starts at 4096 (RFC 9113 §6.5.2): 256 must be announced.
      `3fe101${c6[0]}`,
      // "307" is 3 octets either way: Huffman coding would gain nothing, so the block is C.5's.
      c5[1] as string,
      // The RFC indexes set-cookie (77: name 55, incremental); this encoder never indexes it (1f28: name 55).
      (c6[2] as string).replace('77ad', '1f28ad'),
    ];
    responses.forEach((fields, i) => {
      const block = encoder.encode(fields);
      expect(block.toString('hex')).toBe(hex(expected[i] as string).toString('hex'));
      expect(decode(decoder, block).fields).toEqual(fields);
      expect({ size: encoder.tableSize, length: encoder.tableLength }).toEqual({
        size: decoder.tableSize,
        length: decoder.tableLength,
      });
    });
    // Without set-cookie: content-encoding, date, :status 307, location.
    expect(decoder.tableSize).toBe(52 + 65 + 42 + 63);
  });

  it.each([
    ['C.3/C.4 requests', requests, 4096],
    ['C.5/C.6 responses', responses, 256],
  ])('round-trips %s repeatedly through one pair', (_name, lists, tableSize) => {
    const encoder = new HpackEncoder(tableSize);
    const decoder = new HpackDecoder(tableSize);
    for (let round = 0; round < 3; round++) {
      for (const fields of lists) {
        expect(decode(decoder, encoder.encode(fields))).toEqual({ fields, size: listSize(fields) });
        expect(decoder.tableSize).toBe(encoder.tableSize);
      }
    }
  });
});

describe('Huffman code', () => {
  // A sample of Appendix B: symbol, code, length in bits.
  it.each([
    [0, 0x1ff8, 13],
    [9, 0xffffea, 24],
    [10, 0x3ffffffc, 30],
    [32, 0x14, 6],
    [48, 0x0, 5],
    [58, 0x5c, 7],
    [92, 0x7fff0, 19],
    [97, 0x3, 5],
    [127, 0xffffffc, 28],
    [128, 0xfffe6, 20],
    [195, 0x7fff1, 19],
    [200, 0x3ffffe2, 26],
    [254, 0x7fffff0, 27],
    [255, 0x3ffffee, 26],
  ])('codes symbol %i as %i in %i bits, padded with 1s', (sym, code, bits) => {
    const octets = Math.ceil(bits / 8);
    const pad = octets * 8 - bits;
    const expected = Buffer.from(
      ((BigInt(code) << BigInt(pad)) | ((1n << BigInt(pad)) - 1n)).toString(16).padStart(octets * 2, '0'),
      'hex',
    );
    const s = String.fromCharCode(sym);
    const out = Buffer.alloc(octets + 2);
    expect(huffmanEncode(s, out, 1)).toBe(1 + octets);
    expect(out.subarray(1, 1 + octets)).toEqual(expected);
    expect(huffmanEncodedLength(s)).toBe(octets);
    expect(huffmanDecode(out, 1, 1 + octets)).toBe(s);
  });

  it('decodes the strings of C.4', () => {
    expect(huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'), 0, 12)).toBe('www.example.com');
    expect(huffmanDecode(hex('a8eb 1064 9cbf'), 0, 6)).toBe('no-cache');
  });

  it('round-trips every octet, alone and together', () => {
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    for (const s of [...all, all, all.split('').reverse().join('')]) {
      const out = Buffer.alloc(huffmanEncodedLength(s));
      expect(huffmanEncode(s, out, 0)).toBe(out.length);
      expect(huffmanDecode(out, 0, out.length)).toBe(s);
    }
  });

  it('round-trips random strings, at an offset in a larger buffer', () => {
    const next = random(0x1234567);
    const common = (length: number): string => Array.from({ length }, () => 'abc/-=.0123'[next(11)]).join('');
    for (let i = 0; i < 2000; i++) {
      // Half of them from the short codes headers mostly use, half from all octets.
      const s = i % 2 === 0 ? randomLatin1(next, next(100)) : common(next(100));
      const offset = next(5);
      const out = Buffer.alloc(offset + huffmanEncodedLength(s) + next(5));
      const end = huffmanEncode(s, out, offset);
      expect(end).toBe(offset + huffmanEncodedLength(s));
      expect(huffmanDecode(new Uint8Array(out), offset, end)).toBe(s);
    }
  });

  it('decodes a string too long for the kept scratch buffer, and short ones after it', () => {
    for (const s of ['0123456789'.repeat(20_000), 'short', 'x'.repeat(1000)]) {
      const out = Buffer.alloc(huffmanEncodedLength(s));
      huffmanEncode(s, out, 0);
      expect(huffmanDecode(out, 0, out.length)).toBe(s);
    }
  });

  it.each([
    ["'a' then 11 bits of 1s", '1fff'],
    ['an empty string padded with a whole octet', 'ff'],
  ])('rejects padding longer than 7 bits: %s', (_name, bytes) => {
    expect(() => huffmanDecode(hex(bytes), 0, hex(bytes).length)).toThrow(
      new HpackError('Huffman padding is longer than 7 bits'),
    );
  });

  it.each([
    ["'a' then 000", '18'],
    ["'a' then 110", '1e'],
  ])('rejects padding that is not a prefix of EOS: %s', (_name, bytes) => {
    expect(() => huffmanDecode(hex(bytes), 0, 1)).toThrow(new HpackError('Huffman padding is not a prefix of EOS'));
  });

  it.each([
    ['EOS alone', 'ffff ffff'],
    ["'a', EOS", '1fff ffff ff'],
  ])('rejects EOS in the string: %s', (_name, bytes) => {
    expect(() => huffmanDecode(hex(bytes), 0, hex(bytes).length)).toThrow(
      new HpackError('Huffman-coded string contains EOS'),
    );
  });
});

describe('HpackDecoder', () => {
  it('returns the header-list size for every field, indexed or literal', () => {
    const decoder = new HpackDecoder();
    const { fields, size } = decode(decoder, hex(`${c3[0]} 0003 782d 6101 62`));
    expect(fields).toEqual([...(requests[0] as string[]), 'x-a', 'b']);
    expect(size).toBe(listSize(fields));
  });

  it('decodes a block in the middle of a plain Uint8Array', () => {
    const block = hex(c5[0] as string);
    const bytes = new Uint8Array(block.length + 7);
    bytes.set(block, 3);
    const fields: string[] = [];
    new HpackDecoder(256).decode(bytes.subarray(0), 3, 3 + block.length, fields);
    expect(fields).toEqual(responses[0]);
  });

  it('maps octets to latin1 chars, not UTF-8', () => {
    // Literal without indexing, name "x", value c3 a9 (UTF-8 for é): two chars.
    expect(decode(new HpackDecoder(), hex('0001 7802 c3a9')).fields).toEqual(['x', '\u00c3\u00a9']);
  });

  it('evicts the oldest entries to make room', () => {
    const decoder = new HpackDecoder(110);
    decode(decoder, hex(c3[0] as string)); // :authority www.example.com, 57
    decode(decoder, hex(c3[1] as string)); // cache-control no-cache, 53: 110 fits exactly
    expect({ size: decoder.tableSize, length: decoder.tableLength }).toEqual({ size: 110, length: 2 });
    // custom-key custom-value (54) pushes out :authority, so index 63 is now cache-control.
    decode(decoder, hex('400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'));
    expect({ size: decoder.tableSize, length: decoder.tableLength }).toEqual({ size: 107, length: 2 });
    expect(decode(decoder, hex('bebf')).fields).toEqual(['custom-key', 'custom-value', 'cache-control', 'no-cache']);
  });

  it('empties the table for an entry larger than the table, and still passes the field on', () => {
    const decoder = new HpackDecoder(100);
    decode(decoder, hex(c3[0] as string));
    const value = 'v'.repeat(70); // 1 + 70 + 32 > 100
    const block = Buffer.concat([hex('4001 7846'), Buffer.from(value, 'latin1')]);
    expect(decode(decoder, block).fields).toEqual(['x', value]);
    expect({ size: decoder.tableSize, length: decoder.tableLength }).toEqual({ size: 0, length: 0 });
  });

  it('applies several size updates at the start of a block', () => {
    const decoder = new HpackDecoder();
    decode(decoder, hex(c3[0] as string));
    // 0 empties the table, then 4096 (3f e1 1f) restores the size; then :method GET.
    expect(decode(decoder, hex('20 3fe11f 82')).fields).toEqual([':method', 'GET']);
    expect(decoder.tableSize).toBe(0);
    decode(decoder, hex(c3[0] as string));
    expect(decoder.tableSize).toBe(57);
  });

  it('names a literal by a dynamic entry', () => {
    const decoder = new HpackDecoder();
    decode(decoder, hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    // Literal without indexing, name index 62 (0f 2f), value "x".
    expect(decode(decoder, hex('0f2f 0178')).fields).toEqual(['custom-key', 'x']);
  });

  it('throws for an integer with too many continuation octets', () => {
    expect(() => decode(new HpackDecoder(), hex('ff ffff ffff ff01'))).toThrow(
      new HpackError('integer has too many continuation octets'),
    );
  });

  it('throws for an integer above 2^31 - 1', () => {
    // 127 + 8 · 2^28 = 2^31 + 127.
    expect(() => decode(new HpackDecoder(), hex('ff 8080 8080 08'))).toThrow(HpackError);
  });

  it.each([
    ['in an indexed field wanting continuation octets', 'ff'],
    ['in continuation octets', 'ff 80'],
    ['before a literal name', '40'],
    ['before a value after a literal name', '40 0178'],
    ['before a value after an indexed name', '41'],
  ])('throws for a truncated block: %s', (_name, bytes) => {
    expect(() => decode(new HpackDecoder(), hex(bytes))).toThrow(/truncated/);
  });

  it('throws for index 0', () => {
    expect(() => decode(new HpackDecoder(), hex('80'))).toThrow(new HpackError('header table index 0'));
  });

  it.each([
    ['an indexed field past the static table', '', 'be'],
    ['an indexed field past one dynamic entry', c3[0] as string, 'bf'],
    ['a literal whose name index is past the table', '', '7e 0178'],
  ])('throws for an index beyond the table: %s', (_name, before, bytes) => {
    const decoder = new HpackDecoder();
    decode(decoder, hex(before));
    expect(() => decode(decoder, hex(bytes))).toThrow(/past the table/);
  });

  it('throws for a string longer than the rest of the block', () => {
    expect(() => decode(new HpackDecoder(), hex('40 0561 62'))).toThrow(
      new HpackError('string of 5 octets runs past the header block'),
    );
  });

  it('ends a block at `end`, not at the buffer end', () => {
    // The value "ab" lies in the buffer but past `end`.
    expect(() => new HpackDecoder().decode(hex('40 0178 0261 62'), 0, 5, [])).toThrow(HpackError);
  });

  it.each([
    [4096, '3fe21f'], // 4097
    [256, '3fe201'], // 257
  ])('throws for a size update above the limit of %i', (limit, bytes) => {
    expect(() => decode(new HpackDecoder(limit), hex(bytes))).toThrow(/exceeds/);
  });

  it('throws for a size update after a field', () => {
    expect(() => decode(new HpackDecoder(), hex('82 20'))).toThrow(
      new HpackError('dynamic table size update after a header field'),
    );
  });

  it('throws HpackError for bad Huffman in a literal', () => {
    // A Huffman-coded name of one octet, ff: eight bits of padding.
    expect(() => decode(new HpackDecoder(), hex('40 81ff 00'))).toThrow(HpackError);
  });
});

describe('HpackEncoder', () => {
  it('indexes a new field so that it repeats as one octet', () => {
    const encoder = new HpackEncoder();
    expect(encoder.encode(['x-a', 'b'])[0]).toBe(0x40);
    expect(encoder.encode(['x-a', 'b'])).toEqual(hex('be'));
  });

  it('names a literal by the newest dynamic entry with that name when the static table has none', () => {
    const encoder = new HpackEncoder();
    encoder.encode(['x-a', 'b']);
    encoder.encode(['x-a', 'c']);
    // Index 62 is x-a: c, the newest; 0x40 | 62.
    expect(encoder.encode(['x-a', 'd'])[0]).toBe(0x7e);
  });

  it.each([
    ['authorization', 'Bearer token', '1f08'], // static name 23
    ['proxy-authorization', 'Basic abc', '1f22'], // 49
    ['set-cookie', 'id=1; Path=/; HttpOnly; Secure; SameSite=Lax', '1f28'], // 55
    ['cookie', 'short=1', '1f11'], // 32
  ])('never indexes %s', (name, value, prefix) => {
    const encoder = new HpackEncoder();
    const first = encoder.encode([name, value]);
    expect(first.subarray(0, 2).toString('hex')).toBe(prefix);
    expect(encoder.encode([name, value])).toEqual(first);
    expect(encoder.tableLength).toBe(0);
  });

  it('indexes a cookie of 20 octets or more', () => {
    const encoder = new HpackEncoder();
    expect(encoder.encode(['cookie', 'session=0123456789ab'])[0]).toBe(0x60); // 0x40 | 32
    expect(encoder.encode(['cookie', 'session=0123456789ab'])).toEqual(hex('be'));
  });

  it('does not index a value larger than a quarter of the table', () => {
    const encoder = new HpackEncoder(256);
    encoder.encode([]);
    const block = encoder.encode(['x-big', 'a'.repeat(65)]);
    expect(block[0]).toBe(0x00);
    expect(encoder.tableLength).toBe(0);
    encoder.encode(['x-big', 'a'.repeat(64)]);
    expect(encoder.tableLength).toBe(1);
  });

  it('Huffman-codes a string only when that is shorter', () => {
    const encoder = new HpackEncoder();
    // "x" is 7 bits, one octet either way: raw (01 78). "\0" takes 13 bits Huffman-coded: raw.
    expect(encoder.encode(['x', '\0'])).toEqual(hex('40 0178 0100'));
    // "aaaa" is 20 bits: 3 octets Huffman-coded (83); the name is now entry 62 (7e).
    expect(encoder.encode(['x', 'aaaa'])).toEqual(hex('7e 83 18c63f'));
  });

  it("announces the peer's smaller table at the start of the next block only", () => {
    const encoder = new HpackEncoder();
    encoder.encode(requests[0] as string[]);
    encoder.setPeerMaxTableSize(256);
    expect(encoder.encode(['x-a', 'b']).subarray(0, 3)).toEqual(hex('3fe101'));
    expect(encoder.encode(['x-a', 'b'])).toEqual(hex('be'));
  });

  it('keeps to its own limit when the peer allows more, announcing it in the first block', () => {
    const encoder = new HpackEncoder(1024);
    expect(encoder.encode([])).toEqual(hex('3fe107')); // 1024
    encoder.setPeerMaxTableSize(65536);
    expect(encoder.encode([])).toEqual(hex(''));
  });

  it('signals the smallest size, then the final one, when the size dipped between blocks (§4.2)', () => {
    const encoder = new HpackEncoder();
    const decoder = new HpackDecoder();
    decode(decoder, encoder.encode(requests[0] as string[]));
    encoder.setPeerMaxTableSize(0);
    encoder.setPeerMaxTableSize(4096);
    const block = encoder.encode(requests[0] as string[]);
    expect(block.subarray(0, 4)).toEqual(hex('20 3fe11f'));
    expect(decode(decoder, block).fields).toEqual(requests[0]);
    // The dip emptied both tables; :authority went in again.
    expect({ size: decoder.tableSize, length: decoder.tableLength }).toEqual({ size: 57, length: 1 });
    expect(encoder.tableSize).toBe(57);
  });

  it('signals nothing when the peer repeats the size in force', () => {
    const encoder = new HpackEncoder();
    encoder.setPeerMaxTableSize(4096);
    expect(encoder.encode([':method', 'GET'])).toEqual(hex('82'));
  });

  it('refuses an odd-length field list', () => {
    expect(() => new HpackEncoder().encode(['x-a'])).toThrow(RangeError);
  });

  it('round-trips random field lists through a small table that evicts constantly', () => {
    const next = random(0x5eed);
    const names = [':path', 'content-type', 'cookie', 'authorization', 'set-cookie', 'x-a', 'x-b', 'x-trace', 'date'];
    const values = ['', '/', 'application/json', 'gzip, deflate', '0', 'a'.repeat(64), 'caf\u00e9'];
    const encoder = new HpackEncoder(256);
    const decoder = new HpackDecoder(256);
    for (let block = 0; block < 2000; block++) {
      // Now and then the peer changes its table size, capped at our 256, sometimes twice between blocks.
      if (next(20) === 0) encoder.setPeerMaxTableSize(next(400));
      if (next(40) === 0) encoder.setPeerMaxTableSize(next(400));
      const fields: string[] = [];
      for (let i = next(12); i > 0; i--) {
        fields.push(
          names[next(names.length)] as string,
          next(3) === 0 ? randomLatin1(next, next(120)) : (values[next(values.length)] as string),
        );
      }
      expect(decode(decoder, encoder.encode(fields))).toEqual({ fields, size: listSize(fields) });
      expect({ size: decoder.tableSize, length: decoder.tableLength }).toEqual({
        size: encoder.tableSize,
        length: encoder.tableLength,
      });
    }
  });
});

// Against nghttp2 (inside node:http2), on loopback: its encoder feeds our decoder, our encoder feeds its decoder.
describe('against node:http2', () => {
  const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
  const type = { headers: 0x1, rstStream: 0x3, settings: 0x4, goaway: 0x7, continuation: 0x9 };
  const flag = { ack: 0x1, endStream: 0x1, endHeaders: 0x4, padded: 0x8, priority: 0x20 };

  interface Frame {
    type: number;
    flags: number;
    stream: number;
    payload: Buffer;
  }

  function frame(frameType: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
    const head = Buffer.alloc(9);
    head.writeUIntBE(payload.length, 0, 3);
    head[3] = frameType;
    head[4] = flags;
    head.writeUInt32BE(stream, 5);
    return Buffer.concat([head, payload]);
  }

  function settings(params: readonly (readonly [number, number])[]): Buffer {
    const payload = Buffer.alloc(6 * params.length);
    params.forEach(([id, value], i) => {
      payload.writeUInt16BE(id, 6 * i);
      payload.writeUInt32BE(value, 6 * i + 2);
    });
    return frame(type.settings, 0, 0, payload);
  }

  /** Calls `onFrame` for each whole frame arriving on `socket`, after the first `skip` octets. */
  function readFrames(socket: net.Socket, skip: number, onFrame: (f: Frame) => void): void {
    let pending = Buffer.alloc(0);
    let toSkip = skip;
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const skipped = Math.min(toSkip, pending.length);
      pending = pending.subarray(skipped);
      toSkip -= skipped;
      while (pending.length >= 9 && pending.length >= 9 + pending.readUIntBE(0, 3)) {
        const length = pending.readUIntBE(0, 3);
        onFrame({
          type: pending[3] as number,
          flags: pending[4] as number,
          stream: pending.readUInt32BE(5) & 0x7fffffff,
          payload: pending.subarray(9, 9 + length),
        });
        pending = pending.subarray(9 + length);
      }
    });
  }

  const listen = (server: net.Server): Promise<number> =>
    new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  type Headers = Record<string, string | string[]>;
  /** The fields node sends for a header object: pseudo-headers first, arrays as one field per element. */
  const flat = (headers: Headers): string[] => {
    const entries = Object.entries(headers).sort(([a], [b]) => Number(!a.startsWith(':')) - Number(!b.startsWith(':')));
    return entries.flatMap(([name, value]) => (Array.isArray(value) ? value.flatMap((v) => [name, v]) : [name, value]));
  };

  it.each([
    { tableSize: 4096, announced: '' },
    // nghttp2 announces the smaller table at the start of its next block (§6.3): 256.
    { tableSize: 256, announced: '3fe101' },
  ])('decodes the requests of a node:http2 client with a $tableSize-octet table', async ({ tableSize, announced }) => {
    const base = { ':method': 'GET', ':scheme': 'http', ':authority': 'books.default.svc:8080' };
    const common = { 'user-agent': 'signalbox-test/1.0', accept: 'application/json', 'accept-encoding': 'gzip' };
    const sent: Headers[] = [
      { ...base, ':path': '/api/v1/books?page=1', ...common, 'x-request-id': '0a1b2c3d4e5f' },
      { ...base, ':path': '/api/v1/books?page=2', ...common, 'x-request-id': '6a7b8c9d0e1f' },
      {
        ...base,
        ':method': 'POST',
        ':path': '/api/v1/books',
        ...common,
        'content-type': 'application/json',
        authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc',
        'x-latin1': 'caf\u00e9 cr\u00e8me',
      },
      { ...base, ':path': '/big', 'x-big': 'abcdefghij'.repeat(600), 'x-multi': ['one', 'two'] },
      { ...base, ':path': '/api/v1/books?page=1', ...common, 'x-request-id': '0a1b2c3d4e5f' },
    ];
    const blocks: Buffer[] = [];
    let allBlocks = (): void => {};
    const received = new Promise<void>((resolve) => (allBlocks = resolve));
    const server = net.createServer((socket) => {
      cleanups.push(() => socket.destroy());
      socket.on('error', () => {});
      socket.write(settings([[0x1, tableSize]])); // SETTINGS_HEADER_TABLE_SIZE
      let parts: Buffer[] = [];
      readFrames(socket, preface.length, (f) => {
        if (f.type === type.settings && !(f.flags & flag.ack)) socket.write(frame(type.settings, flag.ack, 0));
        if (f.type === type.headers) {
          let start = 0;
          let end = f.payload.length;
          if (f.flags & flag.padded) {
            start = 1;
            end -= f.payload[0] as number;
          }
          if (f.flags & flag.priority) start += 5;
          parts = [f.payload.subarray(start, end)];
        } else if (f.type === type.continuation) {
          parts.push(f.payload);
        } else {
          return;
        }
        if (f.flags & flag.endHeaders) blocks.push(Buffer.concat(parts));
        if (blocks.length === sent.length) allBlocks();
      });
    });
    cleanups.push(() => server.close());
    const port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    cleanups.push(() => client.destroy());
    client.on('error', () => {});
    // Requests after our SETTINGS, so that nghttp2 encodes all of them for the table size we asked for.
    await once(client, 'remoteSettings');
    for (const headers of sent) client.request(headers, { endStream: true }).on('error', () => {});
    await received;

    const decoder = new HpackDecoder(tableSize);
    const decoded = blocks.map((block) => decode(decoder, block));
    expect(decoded.map((d) => d.fields)).toEqual(sent.map(flat));
    for (const d of decoded) expect(d.size).toBe(listSize(d.fields));
    // nghttp2 sent authorization never-indexed with static name 23 (§6.2.3: 0001 1111, 8).
    expect(blocks[2]?.includes(hex('1f08'))).toBe(true);
    expect(blocks[0]?.subarray(0, announced.length / 2)).toEqual(hex(announced));
    // The repeated request took indexes: shorter than the first.
    expect(blocks[4]?.length).toBeLessThan(blocks[0]?.length ?? 0);
  });

  it.each([
    { name: "node's default table", own: 4096, headerTableSize: undefined },
    { name: 'a 256-octet table set by the server', own: 4096, headerTableSize: 256 },
    { name: 'our own limit of 1024', own: 1024, headerTableSize: undefined },
  ])('node:http2 decodes what the encoder makes: $name', async ({ own, headerTableSize }) => {
    const server = http2.createServer({ settings: headerTableSize === undefined ? {} : { headerTableSize } });
    const received: (readonly string[])[] = [];
    const sensitive: string[][] = [];
    let wake = (): void => {};
    // Node passes the fields as received (order and repeats kept) fourth; @types/node leaves that argument out.
    server.on('stream', (_s: http2.ServerHttp2Stream, headers: Record<symbol, unknown>, _f: number, raw?: string[]) => {
      received.push(raw ?? []);
      sensitive.push((headers[http2.sensitiveHeaders] as string[] | undefined) ?? []);
      wake();
    });
    server.on('sessionError', () => {});
    cleanups.push(() => server.close());
    const port = await listen(server);
    const socket = net.connect(port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.on('error', () => {});

    const encoder = new HpackEncoder(own);
    let failed = (_err: Error): void => {};
    const failure = new Promise<never>((_, reject) => (failed = reject));
    let settled = (): void => {};
    const settingsSeen = new Promise<void>((resolve) => (settled = resolve));
    readFrames(socket, 0, (f) => {
      if (f.type === type.settings && !(f.flags & flag.ack)) {
        for (let i = 0; i + 6 <= f.payload.length; i += 6) {
          if (f.payload.readUInt16BE(i) === 0x1) encoder.setPeerMaxTableSize(f.payload.readUInt32BE(i + 2));
        }
        socket.write(frame(type.settings, flag.ack, 0));
        settled();
      }
      if (f.type === type.goaway) failed(new Error(`GOAWAY, error code ${f.payload.readUInt32BE(4)}`));
      if (f.type === type.rstStream) failed(new Error(`RST_STREAM ${f.stream}, code ${f.payload.readUInt32BE(0)}`));
    });
    socket.write(Buffer.concat([preface, settings([])]));
    await Promise.race([settingsSeen, failure]);

    const base = [':method', 'GET', ':scheme', 'http', ':authority', 'reviews.default.svc:9080'];
    const common = ['user-agent', 'signalbox-test/1.0', 'accept', '*/*', 'accept-encoding', 'gzip, deflate'];
    const sent = [
      [...base, ':path', '/reviews/1', ...common, 'x-request-id', 'f0e1d2c3b4a5'],
      [...base, ':path', '/reviews/2', ...common, 'x-request-id', '968778695a4b'],
      [
        ':method', 'POST', ':scheme', 'http', ':authority', 'reviews.default.svc:9080', ':path', '/grpc.Reviews/Get',
        'content-type', 'application/grpc', 'te', 'trailers', 'grpc-timeout', '5S',
        'authorization', 'Bearer secret-token', 'cookie', 'a=1; b=2',
      ],
      [...base, ':path', '/big', 'x-big', 'y'.repeat(3000), 'x-latin1', 'caf\u00e9', 'x-two', 'one', 'x-two', 'two'],
      [...base, ':path', '/reviews/1', ...common, 'x-request-id', 'f0e1d2c3b4a5'],
    ];
    let stream = 1;
    const send = async (lists: string[][]): Promise<void> => {
      const target = received.length + lists.length;
      for (const fields of lists) {
        socket.write(frame(type.headers, flag.endStream | flag.endHeaders, stream, encoder.encode(fields)));
        stream += 2;
      }
      await Promise.race([
        new Promise<void>((resolve) => (wake = () => received.length >= target && resolve())),
        failure,
      ]);
    };

    await send(sent);
    // The table shrinks to nothing and grows back between two blocks: the next starts with two size updates.
    encoder.setPeerMaxTableSize(0);
    encoder.setPeerMaxTableSize(headerTableSize ?? 4096);
    await send(sent);

    expect(received).toEqual([...sent, ...sent]);
    expect(sensitive[2]).toEqual(['authorization', 'cookie']);
    expect(sensitive[7]).toEqual(['authorization', 'cookie']);
  });
});
