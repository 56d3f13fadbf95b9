// Opaque TCP with real peers nobody here wrote: Debian's redis-server behind proxy B (its port is opaque there),
// ioredis talking to proxy A's fixed-destination listener (`--outbound-tcp=…=redis.demo:6379`; 6379 is in the
// default opaque list, so neither side waits for detection). Payloads and tcp_* metrics on both proxies.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freeAddr, startProcess, type ManagedProcess } from '@signalbox/launch';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { scrape } from '../support/client.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { startInProcessProxy } from '../support/mesh.js';
import { tcpRelays } from '../support/tcp-relays.js';
import { rawConnect } from '../support/tcp-servers.js';

let cp: FakeControlPlane;
let redis: ManagedProcess;
let redisAddr: string;

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  redisAddr = await freeAddr();
  const port = redisAddr.split(':')[1] as string;
  redis = startProcess({
    name: 'redis-server',
    command: 'redis-server',
    args: ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    logFile: join(tmpdir(), `signalbox-redis-${port}.log`),
  });
  await eventually(async () => (await rawConnect(redisAddr)).socket.destroy());
});
afterAll(async () => {
  await redis?.stop();
  await cp?.close();
});

describe.each(tcpRelays)('%s relay', (tcpRelay) => {
  let a: RunningProxy;
  let b: RunningProxy;
  let client: Redis;
  let listener: string;

  beforeAll(async () => {
    b = await startInProcessProxy({ app: redisAddr, controlPlane: cp.url, opaquePorts: [Number(redisAddr.split(':')[1])], tcpRelay });
    a = await startInProcessProxy({
      app: await freeAddr(),
      controlPlane: cp.url,
      outboundTcp: [{ listen: await freeAddr(), authority: 'redis.demo:6379' }],
      tcpRelay,
    });
    expect([a.tcpRelay, b.tcpRelay]).toEqual([tcpRelay, tcpRelay]);
    listener = a.outboundTcp[0]?.addr as string;
    cp.endpoints('redis.demo:6379', [endpoint(b.inboundAddr, 'redis-0', 'redis')]);
    const [host, lport] = listener.split(':') as [string, string];
    client = new Redis({ host, port: Number(lport), lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    await client.flushall(); // the same redis serves every relay's run
  });
  afterAll(async () => {
    client?.disconnect();
    await a?.shutdown();
    await b?.shutdown();
  });

  describe('redis through outbound → inbound', () => {
    it('answers commands with the payloads intact', async () => {
      expect(await client.ping()).toBe('PONG');
      expect(await client.set('book:1', 'The Left Hand of Darkness')).toBe('OK');
      expect(await client.get('book:1')).toBe('The Left Hand of Darkness');
      expect(await client.incrby('counter', 41)).toBe(41);
      expect(await client.incr('counter')).toBe(42);
      const big = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      await client.set('blob', big);
      expect(Buffer.compare((await client.getBuffer('blob')) as Buffer, big)).toBe(0);
      const replies = await client.pipeline().rpush('list', 'a', 'b', 'c').lrange('list', 0, -1).exec();
      expect(replies?.map(([err, v]) => [err, v])).toEqual([
        [null, 3],
        [null, ['a', 'b', 'c']],
      ]);
    });

    it('counts the connection and its bytes with peer="src" and peer="dst" on both proxies', async () => {
      const bigger = (re: RegExp, text: string) => Number(re.exec(text)?.[1] ?? 0);
      await eventually(async () => {
        const aText = await scrape(a.adminAddr);
        expect(bigger(new RegExp(`tcp_read_bytes_total\\{direction="outbound",target_addr="${listener}",[^}]*peer="src"\\} (\\d+)`), aText)).toBeGreaterThan(1_000_000);
        expect(
          bigger(new RegExp(`tcp_write_bytes_total\\{direction="outbound",target_addr="${b.inboundAddr}",[^}]*dst_service="redis"[^}]*peer="dst"\\} (\\d+)`), aText),
        ).toBeGreaterThan(1_000_000);
        expect(aText).toMatch(new RegExp(`tcp_open_connections\\{direction="outbound",target_addr="${b.inboundAddr}",[^}]*dst_pod="redis-0"[^}]*peer="dst"\\} 1`));
        const bText = await scrape(b.adminAddr);
        expect(bigger(new RegExp(`tcp_read_bytes_total\\{direction="inbound",target_addr="${redisAddr}",[^}]*peer="src"\\} (\\d+)`), bText)).toBeGreaterThan(1_000_000);
        expect(bigger(new RegExp(`tcp_write_bytes_total\\{direction="inbound",target_addr="${redisAddr}",[^}]*peer="dst"\\} (\\d+)`), bText)).toBeGreaterThan(1_000_000);
        expect(bText).toMatch(new RegExp(`tcp_open_total\\{direction="inbound",target_addr="${redisAddr}",[^}]*peer="dst"\\} 1`));
      });
    });
  });
});
