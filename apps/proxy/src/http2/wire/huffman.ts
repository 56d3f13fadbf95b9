// The HPACK Huffman code (RFC 7541 §5.2, Appendix B). Header values are mostly ASCII, which this code shortens by
// about a fifth, and a proxy decodes every string a peer chose to send Huffman-coded, so decoding is table-driven:
// the tree is walked once per (node, nibble) pair at load time, and a string then costs two table look-ups a byte.
// Strings are latin1: one char per octet.

// HpackError lives in hpack.ts, which imports this module: the cycle is harmless as neither uses the other at load.
import { HpackError } from './hpack.js';

/**
 * Code length in bits of each symbol, 0–255 then EOS (256), as Appendix B lists them. The code is canonical (the
 * Appendix assigns codes in order of length, then symbol), so these lengths alone determine every code.
 */
const lengths = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0x00
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 0x10
   6, 10, 10, 12, 13,  6,  8, 11, 10, 10,  8, 11,  8,  6,  6,  6, // 0x20 ' ' … '/'
   5,  5,  5,  6,  6,  6,  6,  6,  6,  6,  7,  8, 15,  6, 12, 10, // 0x30 '0' … '?'
  13,  6,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7, // 0x40 '@' … 'O'
   7,  7,  7,  7,  7,  7,  7,  7,  8,  7,  8, 13, 19, 13, 14,  6, // 0x50 'P' … '_'
  15,  5,  6,  5,  6,  5,  6,  6,  6,  5,  7,  7,  6,  6,  6,  5, // 0x60 '`' … 'o'
   6,  7,  6,  5,  5,  6,  7,  7,  7,  7,  7, 15, 11, 14, 13, 28, // 0x70 'p' … 0x7f
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 0x80
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 0x90
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 0xa0
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 0xb0
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 0xc0
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 0xd0
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 0xe0
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 0xf0
  30, // EOS
];

const eos = 256;
const codeLength = Uint8Array.from(lengths);
/** Each symbol's code, right-aligned: the low `codeLength[sym]` bits. */
const code = new Uint32Array(257);
{
  const bySize = [...codeLength.keys()].sort((a, b) => (codeLength[a] as number) - (codeLength[b] as number) || a - b);
  let next = 0;
  let prev = codeLength[bySize[0] as number] as number;
  for (const sym of bySize) {
    const len = codeLength[sym] as number;
    next *= 2 ** (len - prev);
    code[sym] = next++;
    prev = len;
  }
}

// The decoder's states are the tree's 256 inner nodes (root 0). For each state and input nibble the table holds the
// state after those 4 bits and at most one decoded symbol: every code is at least 5 bits long, so a nibble cannot
// complete two.
const emits = 1 << 16;
const failsOnEos = 1 << 17;
const transitions = new Uint32Array(256 * 16);
/** For a state on the all-1s path (a prefix of EOS), its depth, else -1: only such a state may end a string. */
const eosPrefixDepth = new Int8Array(256).fill(-1);
{
  // children[2 * node + bit]: an inner node, or ~symbol for a leaf (0 means not yet built: the root is nobody's child).
  const children = new Int16Array(2 * 256);
  let nodes = 1;
  for (let sym = 0; sym <= eos; sym++) {
    const len = codeLength[sym] as number;
    let node = 0;
    for (let bit = len - 1; bit > 0; bit--) {
      const slot = 2 * node + (((code[sym] as number) >>> bit) & 1);
      if (children[slot] === 0) children[slot] = nodes++;
      node = children[slot] as number;
    }
    children[2 * node + ((code[sym] as number) & 1)] = ~sym;
  }
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let entry = 0;
      for (let bit = 3; bit >= 0; bit--) {
        const child = children[2 * node + ((nibble >>> bit) & 1)] as number;
        if (child >= 0) {
          node = child;
        } else if (~child === eos) {
          entry = failsOnEos;
          break;
        } else {
          entry = emits | (~child << 8);
          node = 0;
        }
      }
      transitions[state * 16 + nibble] = entry | node;
    }
  }
  for (let depth = 0, node = 0; depth < 30; depth++) {
    eosPrefixDepth[node] = depth;
    node = children[2 * node + 1] as number;
  }
}

/** The octets `s` takes Huffman-coded, padding included. */
export function huffmanEncodedLength(s: string): number {
  let bits = 0;
  for (let i = 0; i < s.length; i++) bits += codeLength[s.charCodeAt(i) & 0xff] as number;
  return (bits + 7) >>> 3;
}

/** Writes `s` Huffman-coded at `offset` (the caller made room: `huffmanEncodedLength(s)`); returns the end offset. */
export function huffmanEncode(s: string, out: Buffer, offset: number): number {
  let pos = offset;
  // Pending bits, fewer than 8 between symbols. A code longer than 24 bits goes in two parts, its top flushed first,
  // so that the accumulator never needs more than the 31 bits that JS bit operators keep positive.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const sym = s.charCodeAt(i) & 0xff;
    let len = codeLength[sym] as number;
    let bitsOf = code[sym] as number;
    if (len > 24) {
      acc = (acc << (len - 24)) | (bitsOf >>> 24);
      bits += len - 24;
      if (bits >= 8) {
        bits -= 8;
        out[pos++] = acc >>> bits;
        acc &= (1 << bits) - 1;
      }
      bitsOf &= 0xffffff;
      len = 24;
    }
    acc = (acc << len) | bitsOf;
    bits += len;
    while (bits >= 8) {
      bits -= 8;
      out[pos++] = acc >>> bits;
    }
    acc &= (1 << bits) - 1;
  }
  // Padding: the most significant bits of EOS, all 1s (§5.2).
  if (bits > 0) out[pos++] = (acc << (8 - bits)) | (0xff >>> bits);
  return pos;
}

/** Where decoded octets collect before becoming one string; grown on demand up to `maxScratch`, never shrunk. */
let scratch = Buffer.allocUnsafeSlow(256);
/** A longer string gets a buffer of its own, so that one huge header does not pin its size for good. */
const maxScratch = 64 * 1024;

/** Decodes the Huffman-coded octets `buf[start, end)`; throws HpackError on EOS or bad padding (§5.2). */
export function huffmanDecode(buf: Uint8Array, start: number, end: number): string {
  // The shortest code is 5 bits, so n octets hold at most 8n/5 symbols.
  const most = Math.floor(((end - start) * 8) / 5);
  let out = scratch;
  if (out.length < most) {
    out = Buffer.allocUnsafeSlow(Math.max(most, Math.min(2 * out.length, maxScratch)));
    if (out.length <= maxScratch) scratch = out;
  }
  let n = 0;
  let state = 0;
  for (let i = start; i < end; i++) {
    const octet = buf[i] as number;
    let t = transitions[state * 16 + (octet >>> 4)] as number;
    if (t & failsOnEos) throw new HpackError('Huffman-coded string contains EOS');
    if (t & emits) out[n++] = t >>> 8;
    t = transitions[(t & 0xff) * 16 + (octet & 0xf)] as number;
    if (t & failsOnEos) throw new HpackError('Huffman-coded string contains EOS');
    if (t & emits) out[n++] = t >>> 8;
    state = t & 0xff;
  }
  const padding = eosPrefixDepth[state] as number;
  if (padding < 0) throw new HpackError('Huffman padding is not a prefix of EOS');
  if (padding > 7) throw new HpackError('Huffman padding is longer than 7 bits');
  return out.toString('latin1', 0, n);
}
