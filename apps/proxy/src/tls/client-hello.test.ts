// The ClientHello parser on real hellos from Node's TLS client (captured in memory), cut and re-framed, and on
// plaintext, garbage and malformed records.
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { parseClientHello } from './client-hello.js';

const identity = 'books.demo.serviceaccount.identity.signalbox.cluster.local';

/** The first flight of `tls.connect` over an in-memory stream: exactly what an inbound proxy reads first. */
function captureHello(options: tls.ConnectionOptions): Promise<Buffer> {
  return new Promise((resolve) => {
    // The hello is written synchronously inside tls.connect, before `socket` exists: destroy it on the next tick.
    const wire = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, done) {
        resolve(chunk);
        done();
        setImmediate(() => socket.destroy());
      },
    });
    const socket = tls.connect({ socket: wire, rejectUnauthorized: false, ...options });
    socket.on('error', () => {});
  });
}

/** Re-frames one record's handshake bytes into two records, split at `cut`. */
function splitRecord(record: Buffer, cut: number): Buffer {
  const body = record.subarray(5);
  const frame = (b: Buffer) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, b.length >> 8, b.length & 0xff]), b]);
  return Buffer.concat([frame(body.subarray(0, cut)), frame(body.subarray(cut))]);
}

const withSni = await captureHello({ servername: identity, minVersion: 'TLSv1.3' });
const noSni = await captureHello({ servername: '' });
const h2 = await captureHello({ servername: 'web.demo.serviceaccount.identity.signalbox.cluster.local', ALPNProtocols: ['h2', 'http/1.1'] });

describe('parseClientHello', () => {
  it.each<[string, Uint8Array, unknown]>([
    ['a TLS 1.3 hello with SNI', withSni, { kind: 'tls', sni: identity }],
    ['a hello without SNI', noSni, { kind: 'tls', sni: undefined }],
    ['a hello with ALPN, for another identity', h2, { kind: 'tls', sni: 'web.demo.serviceaccount.identity.signalbox.cluster.local' }],
    ['a hello split over two records (cut inside the header)', splitRecord(withSni, 2), { kind: 'tls', sni: identity }],
    ['a hello split over two records (cut inside the extensions)', splitRecord(withSni, withSni.length - 40), { kind: 'tls', sni: identity }],
    ['a hello followed by more bytes', Buffer.concat([withSni, Buffer.from('extra')]), { kind: 'tls', sni: identity }],
    ['nothing yet', new Uint8Array(0), { kind: 'incomplete' }],
    ['one byte of a record', withSni.subarray(0, 1), { kind: 'incomplete' }],
    ['the record header only', withSni.subarray(0, 5), { kind: 'incomplete' }],
    ['half a hello', withSni.subarray(0, withSni.length >> 1), { kind: 'incomplete' }],
    ['all but the last byte', withSni.subarray(0, withSni.length - 1), { kind: 'incomplete' }],
    ['the first of two records only', splitRecord(withSni, 100).subarray(0, 105), { kind: 'incomplete' }],
    ['plaintext HTTP/1.1', Buffer.from('GET / HTTP/1.1\r\nhost: books\r\n\r\n'), { kind: 'not-tls' }],
    ['the HTTP/2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), { kind: 'not-tls' }],
    ['one byte of plaintext', Buffer.from('G'), { kind: 'not-tls' }],
    ['garbage', Buffer.from('8f2a91c0deadbeef00ff17', 'hex'), { kind: 'not-tls' }],
    ['a handshake byte then garbage', Buffer.from([0x16, 0x99, 0x00]), { kind: 'not-tls' }],
    ['an alert record', Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]), { kind: 'not-tls' }],
    ['an empty handshake record', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00]), { kind: 'not-tls' }],
    ['an oversized record', Buffer.from([0x16, 0x03, 0x01, 0x48, 0x01, 0x01]), { kind: 'not-tls' }],
    ['a ServerHello', Buffer.concat([withSni.subarray(0, 5), Buffer.from([0x02]), withSni.subarray(6)]), { kind: 'not-tls' }],
    ['a hello whose SNI is not a DNS name', corrupt(withSni, (b) => (b[b.indexOf(identity) + 3] = 0x00)), { kind: 'not-tls' }],
    ['a hello whose extensions are cut short (lengths adjusted)', shorten(withSni, 3), { kind: 'not-tls' }],
    ['a hello with a lying handshake length', corrupt(withSni, (b) => b.writeUInt16BE(b.readUInt16BE(7) - 10, 7)), { kind: 'not-tls' }],
  ])('%s', (_what, bytes, expected) => {
    expect(parseClientHello(bytes)).toEqual(expected);
  });

  it('every truncation of a real hello is incomplete, never a wrong answer', () => {
    for (let n = 0; n < withSni.length; n++) expect(parseClientHello(withSni.subarray(0, n))).toEqual({ kind: 'incomplete' });
  });

  it('never throws on random input', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(withSni);
      for (let k = 0; k < 4; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      expect(() => parseClientHello(b.subarray(0, Math.floor(rand() * b.length)))).not.toThrow();
    }
  });
});

/** `hello` minus its last `n` bytes, with the record and handshake lengths shrunk to match: only the extensions lie. */
function shorten(hello: Buffer, n: number): Buffer {
  const b = Buffer.from(hello.subarray(0, hello.length - n));
  b.writeUInt16BE(b.readUInt16BE(3) - n, 3);
  b.writeUInt16BE(b.readUInt16BE(7) - n, 7);
  return b;
}

/** A copy of `hello` changed by `edit`. */
function corrupt(hello: Buffer, edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(hello);
  edit(b);
  return b;
}
