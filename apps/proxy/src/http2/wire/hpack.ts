// HPACK (RFC 7541), the header compression of HTTP/2, for the proxy's own framing layer. Each direction of a
// connection has one encoder/decoder pair whose dynamic tables must stay in step, so any decoding error leaves the
// connection unusable (HpackError, a COMPRESSION_ERROR). Header fields are flat lists `[name0, value0, name1, …]`
// of latin1 strings (one char per octet, as on the wire). The decoder hands out the strings it keeps in its tables,
// so a field found by index costs no allocation; the encoder, written for a proxy that forwards much the same
// headers many times a second, indexes nearly everything so that a repeated field shrinks to one octet.

import { huffmanDecode, huffmanEncode, huffmanEncodedLength } from './huffman.js';

/** A COMPRESSION_ERROR (RFC 9113 §4.3): the tables are out of step, so the caller must close the connection. */
export class HpackError extends Error {
  override readonly name = 'HpackError';
}

/** Appendix A; index 0 is no entry (an index of 0 is an error). */
const staticTable: readonly (readonly [string, string])[] = [
  ['', ''],
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
];
const staticNames = staticTable.map(([name]) => name);
const staticValues = staticTable.map(([, value]) => value);
/** The last static index; dynamic entries follow it, newest first. */
const staticCount = staticTable.length - 1;

/**
 * The encoder's look-up of one name in a table: a number for the name alone and one per value, each an index
 * (static table) or an insertion number (dynamic table). Keyed by name then value, not by one `name + value`
 * string: building that key for every field cost more than the rest of encoding it.
 */
interface NameEntries {
  name: number;
  readonly values: Map<string, number>;
}

/** The static table by name; the lowest index wins, as it takes the fewest octets. */
const staticByName = new Map<string, NameEntries>();
for (let i = staticCount; i >= 1; i--) {
  const [name, value] = staticTable[i] as readonly [string, string];
  const entries = staticByName.get(name) ?? { name: i, values: new Map<string, number>() };
  entries.name = i;
  entries.values.set(value, i);
  staticByName.set(name, entries);
}

/** What an entry costs beyond its octets (§4.1), and what RFC 9113 §6.5.2 adds per field of a header list. */
const entryOverhead = 32;
/** The table size both sides start with before any SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2). */
const initialTableSize = 4096;
/** Larger integers are refused: no legitimate length, index or table size comes near, and 2^31 keeps bit math safe. */
const maxInteger = 2 ** 31 - 1;

/** Slots for a table of at most `maxSize` octets: every entry costs at least the overhead. */
const ringLength = (maxSize: number): number => Math.max(1, Math.floor(maxSize / entryOverhead));

function latin1(buf: Uint8Array, start: number, end: number): string {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.toString('latin1', start, end);
}

/**
 * The dynamic table (§2.3.2), the same on both ends of a direction: a ring of names and values, the newest at
 * `#next - 1`, sized by §4.1's count. The caller evicts (dropOldest) to make room before it adds.
 */
class DynamicTable {
  /** Octets held, by the §4.1 count. */
  size = 0;
  /** Entries held. */
  length = 0;
  readonly #names: string[];
  readonly #values: string[];
  #next = 0;

  constructor(maxSize: number) {
    const slots = ringLength(maxSize);
    this.#names = new Array<string>(slots).fill('');
    this.#values = new Array<string>(slots).fill('');
  }

  /** The entry `age` places from the newest (0); the caller checked that it is held. */
  name(age: number): string {
    return this.#names[this.#slot(age)] as string;
  }

  value(age: number): string {
    return this.#values[this.#slot(age)] as string;
  }

  add(name: string, value: string, size: number): void {
    this.#names[this.#next] = name;
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#names.length;
    this.length++;
    this.size += size;
  }

  dropOldest(): void {
    const oldest = this.#slot(this.length - 1);
    this.size -= (this.#names[oldest] as string).length + (this.#values[oldest] as string).length + entryOverhead;
    // Released, not kept alive by a slot nothing reads.
    this.#names[oldest] = '';
    this.#values[oldest] = '';
    this.length--;
  }

  #slot(age: number): number {
    const slot = this.#next - 1 - age;
    return slot < 0 ? slot + this.#names.length : slot;
  }
}

/** Decodes the header blocks of one direction of a connection, in the order they arrive. */
export class HpackDecoder {
  /** The most a dynamic table size update may ask for: what we advertise as SETTINGS_HEADER_TABLE_SIZE. */
  readonly #limit: number;
  /** The table's maximum size as the encoder last set it (§4.2). */
  #maxSize: number;
  readonly #table: DynamicTable;
  /** Read position in the block being decoded. */
  #pos = 0;

  constructor(maxTableSize = initialTableSize) {
    this.#limit = maxTableSize;
    this.#maxSize = maxTableSize;
    this.#table = new DynamicTable(maxTableSize);
  }

  /** Octets in the dynamic table, by the §4.1 count. */
  get tableSize(): number {
    return this.#table.size;
  }

  get tableLength(): number {
    return this.#table.length;
  }

  /**
   * Decodes the complete header block `buf[start, end)`, appending its fields to `out`, and returns the header list's
   * size as RFC 9113 §6.5.2 counts it. The whole block is decoded whatever the size, so that the table stays in step;
   * the caller compares the size with its limit. After an HpackError the decoder is unusable.
   */
  decode(buf: Uint8Array, start: number, end: number, out: string[]): number {
    this.#pos = start;
    let listSize = 0;
    let fieldSeen = false;
    while (this.#pos < end) {
      const first = buf[this.#pos] as number;
      let name: string;
      let value: string;
      if (first & 0x80) {
        // Indexed field (§6.1).
        const index = this.#integer(buf, end, 7);
        name = this.#nameAt(index);
        value = this.#valueAt(index);
      } else if ((first & 0xe0) === 0x20) {
        // Dynamic table size update (§6.3), only before the first field (§4.2).
        if (fieldSeen) throw new HpackError('dynamic table size update after a header field');
        const size = this.#integer(buf, end, 5);
        if (size > this.#limit) throw new HpackError(`dynamic table size update to ${size} exceeds ${this.#limit}`);
        this.#maxSize = size;
        this.#evict(size);
        continue;
      } else {
        // Literal field (§6.2): with incremental indexing (01), without indexing (0000) or never indexed (0001). A
        // never-indexed field is passed on as any other: the caller re-encodes sensitive fields by name.
        const indexing = (first & 0x40) !== 0;
        const index = this.#integer(buf, end, indexing ? 6 : 4);
        name = index === 0 ? this.#string(buf, end) : this.#nameAt(index);
        value = this.#string(buf, end);
        if (indexing) this.#insert(name, value);
      }
      fieldSeen = true;
      out.push(name, value);
      listSize += name.length + value.length + entryOverhead;
    }
    return listSize;
  }

  /** Reads an integer with an N-bit prefix (§5.1) at #pos. */
  #integer(buf: Uint8Array, end: number, prefixBits: number): number {
    let pos = this.#pos;
    if (pos >= end) throw new HpackError('header block truncated in an integer');
    const mask = (1 << prefixBits) - 1;
    let value = (buf[pos++] as number) & mask;
    if (value === mask) {
      let octet: number;
      let shift = 0;
      do {
        if (pos >= end) throw new HpackError('header block truncated in an integer');
        if (shift > 28) throw new HpackError('integer has too many continuation octets');
        octet = buf[pos++] as number;
        value += (octet & 0x7f) * 2 ** shift;
        shift += 7;
      } while (octet & 0x80);
      if (value > maxInteger) throw new HpackError(`integer ${value} exceeds ${maxInteger}`);
    }
    this.#pos = pos;
    return value;
  }

  /** Reads a string literal (§5.2) at #pos. */
  #string(buf: Uint8Array, end: number): string {
    if (this.#pos >= end) throw new HpackError('header block truncated before a string');
    const huffman = ((buf[this.#pos] as number) & 0x80) !== 0;
    const length = this.#integer(buf, end, 7);
    const start = this.#pos;
    if (length > end - start) throw new HpackError(`string of ${length} octets runs past the header block`);
    this.#pos = start + length;
    return huffman ? huffmanDecode(buf, start, start + length) : latin1(buf, start, start + length);
  }

  #nameAt(index: number): string {
    return index > staticCount
      ? this.#table.name(this.#age(index))
      : (staticNames[this.#staticIndex(index)] as string);
  }

  #valueAt(index: number): string {
    return index > staticCount
      ? this.#table.value(this.#age(index))
      : (staticValues[this.#staticIndex(index)] as string);
  }

  #staticIndex(index: number): number {
    if (index === 0) throw new HpackError('header table index 0');
    return index;
  }

  /** The age in the dynamic table of an index past the static ones. */
  #age(index: number): number {
    const age = index - staticCount - 1;
    if (age >= this.#table.length) {
      throw new HpackError(`header table index ${index} is past the table's ${staticCount + this.#table.length} entries`);
    }
    return age;
  }

  /** Adds an entry (§4.4): evicts until it fits; one larger than the whole table leaves the table empty. */
  #insert(name: string, value: string): void {
    const size = name.length + value.length + entryOverhead;
    this.#evict(this.#maxSize - size);
    if (size <= this.#maxSize) this.#table.add(name, value, size);
  }

  /** Drops the oldest entries until the table holds at most `limit` octets. */
  #evict(limit: number): void {
    const table = this.#table;
    while (table.size > limit && table.length > 0) table.dropOldest();
  }
}

/** Fields whose values are secrets: never indexed (§7.1.3), which binds every intermediary that re-encodes them. */
function neverIndexed(name: string, value: string): boolean {
  switch (name) {
    case 'authorization':
    case 'proxy-authorization':
    case 'set-cookie':
      return true;
    case 'cookie':
      // A short cookie has few possible values, which an attacker probing the table could guess (§7.1.3).
      return value.length < 20;
    default:
      return false;
  }
}

/** Writes an integer with an N-bit prefix (§5.1) after the pattern bits in `first`; returns the end offset. */
function writeInteger(buf: Buffer, pos: number, first: number, prefixBits: number, value: number): number {
  const mask = (1 << prefixBits) - 1;
  if (value < mask) {
    buf[pos] = first | value;
    return pos + 1;
  }
  buf[pos++] = first | mask;
  let rest = value - mask;
  while (rest >= 0x80) {
    buf[pos++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  buf[pos] = rest;
  return pos + 1;
}

/** Writes a string literal (§5.2), Huffman-coded only when that is shorter; returns the end offset. */
function writeString(buf: Buffer, pos: number, s: string): number {
  const huffmanLength = huffmanEncodedLength(s);
  if (huffmanLength < s.length) return huffmanEncode(s, buf, writeInteger(buf, pos, 0x80, 7, huffmanLength));
  pos = writeInteger(buf, pos, 0, 7, s.length);
  return pos + buf.write(s, pos, 'latin1');
}

/** The most octets a field's representation beyond its name and value can take: three 6-octet integers. */
const fieldOverhead = 18;

/** Encodes the header blocks of one direction of a connection; they must be sent in the order encoded. */
export class HpackEncoder {
  /** The largest table this encoder will keep, whatever the peer allows. */
  readonly #limit: number;
  /** The table's maximum size as last signalled to the peer. */
  #maxSize = initialTableSize;
  /** The size to signal at the start of the next block, and the smallest one set since the last block (§4.2). */
  #target: number;
  #lowest = Infinity;
  // A mirror of the peer decoder's table. Entries are also numbered by insertion (#inserted counts them) so that
  // the look-up below needs no update as entries age.
  readonly #table: DynamicTable;
  #inserted = 0;
  /** Per name in the table: the insertion number of its newest entry, and of the newest entry for each value. */
  readonly #byName = new Map<string, NameEntries>();
  /** Where blocks are built; grown on demand, then copied out. */
  #buf = Buffer.allocUnsafeSlow(1024);

  constructor(maxTableSize = initialTableSize) {
    this.#limit = maxTableSize;
    this.#target = Math.min(initialTableSize, maxTableSize);
    this.#table = new DynamicTable(maxTableSize);
  }

  /** Octets in the dynamic table, by the §4.1 count; the peer's decoder holds the same after each block. */
  get tableSize(): number {
    return this.#table.size;
  }

  get tableLength(): number {
    return this.#table.length;
  }

  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE arrived: the table becomes the smaller of it and our own limit, announced
   * at the start of the next block (§4.2).
   */
  setPeerMaxTableSize(n: number): void {
    this.#target = Math.min(n, this.#limit);
    this.#lowest = Math.min(this.#lowest, this.#target);
  }

  /** Encodes the flat field list `[name0, value0, …]` (lower-case names, latin1 strings) as one header block. */
  encode(fields: readonly string[]): Buffer {
    if (fields.length % 2 !== 0) throw new RangeError('a field list alternates names and values');
    let pos = 0;
    // Table size updates: the smallest size since the last block when the size dipped below its final value, so
    // that the peer evicts what we evicted, then the final one (§4.2).
    if (this.#lowest < this.#target) pos = this.#sizeUpdate(pos, this.#lowest);
    if (this.#target !== this.#maxSize) pos = this.#sizeUpdate(pos, this.#target);
    this.#lowest = Infinity;
    for (let i = 0; i < fields.length; i += 2) {
      const name = fields[i] as string;
      const value = fields[i + 1] as string;
      this.#reserve(pos + name.length + value.length + fieldOverhead);
      pos = this.#field(pos, name, value);
    }
    return Buffer.from(this.#buf.subarray(0, pos));
  }

  /** Signals a table size (the scratch buffer always has room for two) and evicts as the peer will. */
  #sizeUpdate(pos: number, size: number): number {
    this.#maxSize = size;
    this.#evict(size);
    return writeInteger(this.#buf, pos, 0x20, 5, size);
  }

  #field(pos: number, name: string, value: string): number {
    const buf = this.#buf;
    const secret = neverIndexed(name, value);
    const inStatic = staticByName.get(name);
    const inDynamic = this.#byName.get(name);
    if (!secret) {
      const index = inStatic?.values.get(value) ?? this.#dynamicIndex(inDynamic?.values.get(value));
      if (index !== undefined) return writeInteger(buf, pos, 0x80, 7, index);
    }
    // A literal, its name by index where the table has it: static first, as small indexes take fewer octets.
    const nameIndex = inStatic?.name ?? this.#dynamicIndex(inDynamic?.name) ?? 0;
    const size = name.length + value.length + entryOverhead;
    let first: number;
    let prefixBits: number;
    if (secret) {
      first = 0x10;
      prefixBits = 4;
    } else if (value.length > this.#maxSize / 4 || size > this.#maxSize) {
      // Large values are seldom repeated and would push out many small fields that are.
      first = 0x00;
      prefixBits = 4;
    } else {
      first = 0x40;
      prefixBits = 6;
      this.#insert(name, value, size);
    }
    if (nameIndex !== 0) {
      pos = writeInteger(buf, pos, first, prefixBits, nameIndex);
    } else {
      buf[pos++] = first;
      pos = writeString(buf, pos, name);
    }
    return writeString(buf, pos, value);
  }

  /** The table index of the entry with insertion number `inserted`, if it is still in the table. */
  #dynamicIndex(inserted: number | undefined): number | undefined {
    return inserted === undefined ? undefined : staticCount + this.#inserted - inserted;
  }

  /** Adds an entry as the peer's decoder will (§4.4); the caller checked that it fits the table. */
  #insert(name: string, value: string, size: number): void {
    this.#evict(this.#maxSize - size);
    this.#table.add(name, value, size);
    let entries = this.#byName.get(name);
    if (entries === undefined) {
      entries = { name: 0, values: new Map<string, number>() };
      this.#byName.set(name, entries);
    }
    entries.name = this.#inserted;
    entries.values.set(value, this.#inserted);
    this.#inserted++;
  }

  #evict(limit: number): void {
    const table = this.#table;
    while (table.size > limit && table.length > 0) {
      const name = table.name(table.length - 1);
      const value = table.value(table.length - 1);
      const inserted = this.#inserted - table.length;
      const entries = this.#byName.get(name) as NameEntries;
      // Eviction goes oldest first: if this was the newest entry with its name, it was the last one.
      if (entries.name === inserted) this.#byName.delete(name);
      else if (entries.values.get(value) === inserted) entries.values.delete(value);
      table.dropOldest();
    }
  }

  #reserve(length: number): void {
    if (length <= this.#buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(length, this.#buf.length * 2));
    this.#buf.copy(grown);
    this.#buf = grown;
  }
}
