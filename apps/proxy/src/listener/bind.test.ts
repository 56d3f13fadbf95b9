import net from 'node:net';
import { freeAddr, freePort } from '@signalbox/launch';
import { afterEach, describe, expect, it } from 'vitest';
import { bind, ipLiteralFamily } from './bind.js';

const servers: net.Server[] = [];
const server = () => {
  const s = net.createServer((socket) => socket.end('hi'));
  servers.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const greeting = (addr: string) =>
  new Promise<string>((resolve, reject) => {
    const m = /^\[?(.*?)\]?:(\d+)$/.exec(addr)!;
    const c = net.connect({ host: m[1], port: Number(m[2]) });
    let text = '';
    c.on('data', (d) => (text += d.toString()));
    c.on('end', () => resolve(text));
    c.on('error', reject);
  });

describe('bind', () => {
  it('binds an IPv4 literal and reports the address it got', async () => {
    const want = await freeAddr();
    expect(await bind(server(), want)).toBe(want);
    expect(await greeting(want)).toBe('hi');
  });

  it('binds every IPv4 address for 0.0.0.0', async () => {
    const port = await freePort();
    expect(await bind(server(), `0.0.0.0:${port}`)).toBe(`0.0.0.0:${port}`);
    expect(await greeting(`127.0.0.1:${port}`)).toBe('hi');
  });

  it('binds an IPv6 literal, bracketed in what it reports', async () => {
    const want = `[::1]:${await freePort('::1')}`;
    expect(await bind(server(), want)).toBe(want);
    expect(await greeting(want)).toBe('hi');
  });

  it('binds a host name through a lookup', async () => {
    const port = await freePort();
    const addr = await bind(server(), `localhost:${port}`);
    expect([`127.0.0.1:${port}`, `[::1]:${port}`]).toContain(addr);
    expect(await greeting(addr)).toBe('hi');
  });

  it('rejects with the socket error when the port is taken, and the server can bind elsewhere', async () => {
    const taken = await bind(server(), await freeAddr());
    const s = server();
    await expect(bind(s, taken)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(await greeting(await bind(s, await freeAddr()))).toBe('hi');
  });

  it('rejects a malformed address, and an IPv4 literal with an octet out of range', async () => {
    await expect(bind(server(), 'nonsense')).rejects.toThrow('invalid listen address nonsense');
    await expect(bind(server(), `127.0.0.256:${await freePort()}`)).rejects.toMatchObject({ code: 'EINVAL' });
  });
});

it('tells IP literals from names', () => {
  expect(ipLiteralFamily('10.1.2.3')).toBe(4);
  expect(ipLiteralFamily('0.0.0.0')).toBe(4);
  expect(ipLiteralFamily('::')).toBe(6);
  expect(ipLiteralFamily('fe80::1')).toBe(6);
  expect(ipLiteralFamily('localhost')).toBeUndefined();
  expect(ipLiteralFamily('10.1.2')).toBeUndefined();
  expect(ipLiteralFamily('1.2.3.4.example')).toBeUndefined();
});
