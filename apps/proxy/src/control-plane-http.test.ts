import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { controlPlaneRequest, failureCause, readText } from './control-plane-http.js';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.close();
    s.closeAllConnections();
  }
});

async function serve(handler: http.RequestListener): Promise<URL> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

describe('controlPlaneRequest', () => {
  it('POSTs the body with a content-length and reads the answer', async () => {
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(`${req.method} ${req.headers['content-length']} ${req.headers['transfer-encoding'] ?? '-'} ${body}`));
    });
    const res = await controlPlaneRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' });
    expect(res.statusCode).toBe(200);
    expect(await readText(res)).toBe('POST 10 - {"a":"é"}');
  });

  it('names a refused connection by its code', async () => {
    const url = await serve(() => {});
    const port = url.port;
    await new Promise<void>((r) => servers.pop()?.close(() => r()));
    const err = await controlPlaneRequest(new URL(`http://127.0.0.1:${port}/`)).catch((e: unknown) => e);
    expect(failureCause(err)).toBe('ECONNREFUSED');
  });

  it('names an AbortSignal.timeout by its reason', async () => {
    const url = await serve(() => {}); // never answers
    const err = await controlPlaneRequest(url, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(failureCause(err)).toBe('TimeoutError');
  });

  it('fails a response body silent for longer than the idle timeout', async () => {
    const url = await serve((_req, res) => res.writeHead(200).flushHeaders()); // head, then nothing
    const res = await controlPlaneRequest(url, { idleTimeoutMs: 50 });
    await expect(readText(res)).rejects.toThrow();
  });
});
