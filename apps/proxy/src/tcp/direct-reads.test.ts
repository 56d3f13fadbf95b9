import { createHash } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { random } from '../../test/support/random.js';
import { readDirect } from './direct-reads.js';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];

afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) s.close();
});

/**
 * A connected pair on loopback: `accepted` is the server's side, switched to direct reads before it read anything
 * (left paused, as the proxy's stages find a socket); `peer` the client.
 */
async function pair(): Promise<{ accepted: net.Socket; peer: net.Socket; direct: boolean }> {
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepting = once(server, 'connection') as Promise<[net.Socket]>;
  const peer = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  const [[accepted]] = await Promise.all([accepting, once(peer, 'connect')]);
  sockets.push(accepted, peer);
  return { accepted, peer, direct: readDirect(accepted) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('readDirect', () => {
  it('delivers every byte in order, each chunk its own copy, across reads of every size and a paused reader', async () => {
    const { accepted, peer, direct } = await pair();
    expect(direct).toBe(true);
    const next = random(7);
    const sent: Buffer[] = [];
    for (let total = 0; total < 3 << 20; ) {
      const chunk = Buffer.alloc(1 + next(100_000), next(256));
      sent.push(chunk);
      total += chunk.length;
    }
    const want = Buffer.concat(sent);
    const got: Buffer[] = [];
    let received = 0;
    const all = new Promise<void>((resolve) =>
      accepted.on('data', (d: Buffer) => {
        got.push(d);
        received += d.length;
        // A reader that stops now and then, as a body under backpressure does.
        if (got.length % 5 === 0) {
          accepted.pause();
          setTimeout(() => accepted.resume(), 2);
        }
        if (received === want.length) resolve();
      }),
    );
    accepted.resume();
    for (const c of sent) if (!peer.write(c)) await once(peer, 'drain');
    await all;
    const joined = Buffer.concat(got);
    expect(joined.length).toBe(want.length);
    expect(sha(joined)).toBe(sha(want));
    expect(accepted.bytesRead).toBe(want.length);
    // Enough reads that the reader paused and resumed several times.
    expect(got.length).toBeGreaterThan(10);
  });

  it('keeps a retained chunk intact while other sockets read into the shared buffer', async () => {
    const a = await pair();
    const b = await pair();
    const fromA: Buffer[] = [];
    const fromB: Buffer[] = [];
    a.accepted.on('data', (d: Buffer) => fromA.push(d));
    b.accepted.on('data', (d: Buffer) => fromB.push(d));
    a.accepted.resume();
    b.accepted.resume();
    for (let i = 0; i < 50; i++) {
      a.peer.write(Buffer.alloc(1000, 'a'));
      b.peer.write(Buffer.alloc(1000, 'b'));
      await sleep(1);
    }
    a.peer.end();
    b.peer.end();
    await Promise.all([once(a.accepted, 'end'), once(b.accepted, 'end')]);
    expect(Buffer.concat(fromA).equals(Buffer.alloc(50_000, 'a'))).toBe(true);
    expect(Buffer.concat(fromB).equals(Buffer.alloc(50_000, 'b'))).toBe(true);
  });

  it('reads nothing while paused, then everything on resume', async () => {
    const { accepted, peer } = await pair();
    let received = 0;
    accepted.on('data', (d: Buffer) => (received += d.length));
    accepted.pause();
    peer.write(Buffer.alloc(100_000, 1));
    await sleep(50);
    expect(received).toBe(0);
    expect(accepted.bytesRead).toBe(0);
    const done = new Promise<void>((r) => accepted.on('data', () => received === 100_000 && r()));
    accepted.resume();
    await done;
    expect(accepted.bytesRead).toBe(100_000);
  });

  it("emits 'end' after the data on a half-close, and the socket can still answer", async () => {
    const { accepted, peer } = await pair();
    let got = '';
    accepted.on('data', (d: Buffer) => (got += d.toString()));
    accepted.resume();
    peer.end('last words');
    await once(accepted, 'end');
    expect(got).toBe('last words');
    const reply = once(peer, 'data');
    accepted.end('heard');
    expect(String((await reply)[0])).toBe('heard');
  });

  it("emits 'end' for a FIN that arrived while the socket was paused, once it is resumed", async () => {
    const { accepted, peer } = await pair();
    const events: string[] = [];
    accepted.on('data', (d: Buffer) => events.push(`data ${d.toString()}`));
    accepted.on('end', () => events.push('end'));
    peer.end('bye');
    await sleep(30);
    expect(events).toEqual([]);
    accepted.resume();
    await once(accepted, 'end');
    expect(events).toEqual(['data bye', 'end']);
  });

  it('keeps order when bytes Node read before the switch still wait in the paused socket', async () => {
    // As after detection: one chunk taken, the socket paused, but Node's own reads go on into its buffer.
    const server = net.createServer({ allowHalfOpen: true });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const accepting = once(server, 'connection') as Promise<[net.Socket]>;
    const peer = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
    const [[accepted]] = await Promise.all([accepting, once(peer, 'connect')]);
    sockets.push(accepted, peer);
    const first = once(accepted, 'data');
    peer.write('A');
    await first;
    accepted.pause();
    peer.write('B');
    await sleep(30);
    expect(accepted.readableLength).toBe(1);
    expect(readDirect(accepted)).toBe(true);
    let got = '';
    accepted.on('data', (d: Buffer) => (got += d.toString()));
    peer.write('C');
    await sleep(30);
    accepted.resume();
    peer.end('D');
    await once(accepted, 'end');
    expect(got).toBe('BCD');
  });

  it('changes nothing for a socket already switched, without a handle, or speaking TLS', async () => {
    const { accepted, peer } = await pair();
    expect(readDirect(accepted)).toBe(false);
    expect(readDirect(new net.Socket())).toBe(false);
    const wrapped = new tls.TLSSocket(peer);
    sockets.push(wrapped);
    expect(readDirect(wrapped)).toBe(false);
  });
});
