// The wire engine against node:http2 (nghttp2) as the real peer, both ways: a node client against a WireSession
// server, and a WireSession client against a node server.
import http2 from 'node:http2';
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WireSession } from './session.js';
import type { WireStream } from './stream.js';
import type { IncomingHttpHeaders } from 'node:http2';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

type Handler = (stream: WireStream, headers: IncomingHttpHeaders, flags: number) => void;

/** A WireSession server on a loopback port; returns its URL. */
async function wireServer(onStream: Handler): Promise<{ url: string; sessions: WireSession[] }> {
  const sessions: WireSession[] = [];
  const server = net.createServer((socket) => {
    sessions.push(new WireSession(socket, 'server', { settings: { maxHeaderListSize: 65536 }, onStream }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    for (const s of sessions) s.destroy();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, sessions };
}

function nodeClient(url: string): http2.ClientHttp2Session {
  const client = http2.connect(url);
  client.on('error', () => {});
  cleanups.push(() => client.destroy());
  return client;
}

function collect(stream: http2.ClientHttp2Stream): Promise<{ headers: IncomingHttpHeaders; body: string; trailers?: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ headers, body: Buffer.concat(chunks).toString(), ...(trailers ? { trailers } : {}) }));
    stream.on('error', reject);
  });
}

describe('WireSession as a server, node:http2 as the client', () => {
  it('answers a GET', async () => {
    const { url } = await wireServer((stream, headers) => {
      stream.respond({ ':status': 200, 'x-path': String(headers[':path']) });
      stream.end('hello');
    });
    const client = nodeClient(url);
    const r = await collect(client.request({ ':path': '/a?b=1' }));
    expect(r.headers[':status']).toBe(200);
    expect(r.headers['x-path']).toBe('/a?b=1');
    expect(r.body).toBe('hello');
  });
});

/** A node:http2 server on a loopback port. */
async function nodeServer(onStream: (stream: http2.ServerHttp2Stream, headers: IncomingHttpHeaders) => void): Promise<number> {
  const server = http2.createServer();
  server.on('stream', onStream);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

async function wireClient(port: number): Promise<WireSession> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const session = new WireSession(socket, 'client', { settings: { maxHeaderListSize: 65536 } });
  session.on('error', () => {});
  cleanups.push(() => session.destroy());
  return session;
}

function collectWire(stream: WireStream): Promise<{ headers: IncomingHttpHeaders; body: string; trailers?: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    stream.on('response', (headers: IncomingHttpHeaders) => {
      let trailers: IncomingHttpHeaders | undefined;
      const chunks: Buffer[] = [];
      stream.on('trailers', (t: IncomingHttpHeaders) => (trailers = t));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve({ headers, body: Buffer.concat(chunks).toString(), ...(trailers ? { trailers } : {}) }));
    });
    stream.on('error', reject);
    stream.on('close', () => reject(new Error(`closed with ${stream.rstCode}`)));
  });
}

describe('WireSession as a client, node:http2 as the server', () => {
  it('sends a GET and reads the response', async () => {
    const port = await nodeServer((stream, headers) => {
      stream.respond({ ':status': 201, 'x-path': String(headers[':path']) });
      stream.end('world');
    });
    const session = await wireClient(port);
    const r = await collectWire(session.request({ ':method': 'GET', ':scheme': 'http', ':authority': 'x', ':path': '/p' }, { endStream: true }));
    expect(r.headers[':status']).toBe(201);
    expect(r.body).toBe('world');
  });
});
