import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { booksHandler, type Handler } from './services.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(handler: Handler): Promise<string> {
  server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('books', () => {
  it('fails exactly one request in ten', async () => {
    const url = await serve(booksHandler({ random: () => 0 }));
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await fetch(`${url}/books`)).status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(3);
    expect(statuses[9]).toBe(500);
    expect(statuses.filter((s) => s === 200)).toHaveLength(27);
  });
});
