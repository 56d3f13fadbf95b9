// @grpc/grpc-js client → proxy A's outbound → proxy B's inbound → grpc-js server: unary and streaming calls,
// status codes, metadata and trailers intact, deadlines and cancels propagated, grpc_status in the metrics.
import * as grpc from '@grpc/grpc-js';
import { eventually } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { scrape } from '../support/client.js';
import { clientStream, greeterClient, serverStream, unary } from '../support/grpc.js';
import { greeterAuthority, h2Engines, startGreeterMesh, type GreeterMesh } from '../support/mesh.js';

const greeter = greeterAuthority;

// Both HTTP/2 engines (--h2-engine) carry the same traffic, on both proxies.
describe.each(h2Engines)('--h2-engine=%s', (h2Engine) => {
  let mesh: GreeterMesh;
  let a: RunningProxy;
  let b: RunningProxy;
  let client: grpc.Client;

  beforeAll(async () => {
    mesh = await startGreeterMesh({ h2Engine });
    ({ a, b, client } = mesh);
  });
  afterAll(() => mesh.close());

  describe('gRPC through outbound → inbound → server', () => {
    it('unary OK with request metadata, response headers and trailers intact', async () => {
      const md = new grpc.Metadata();
      md.set('x-request-tag', 'tag-1');
      const r = await unary(client, { name: 'ada' }, { metadata: md });
      expect(r.error).toBeUndefined();
      expect(r.reply).toEqual({ message: 'hello ada' });
      expect(r.header?.get('x-echo-tag')).toEqual(['tag-1']);
      expect(r.trailer?.get('x-app-trailer')).toEqual(['done']);
    });

    it.each([
      ['NOT_FOUND', grpc.status.NOT_FOUND],
      ['UNAVAILABLE', grpc.status.UNAVAILABLE],
      ['INTERNAL', grpc.status.INTERNAL],
    ])('carries status %s with its message and trailers', async (_name, code) => {
      const r = await unary(client, { name: 'bob', code });
      expect(r.error?.code).toBe(code);
      expect(r.error?.details).toBe(`failing with ${code} for bob`);
      expect(r.trailer?.get('x-app-trailer')).toEqual(['done']);
    });

    it('server streaming: every message, then OK and trailers', async () => {
      const { replies, status } = await serverStream(client, { name: 'cy', count: 5 });
      expect(replies.map((r) => r.message)).toEqual([0, 1, 2, 3, 4].map((i) => `hello cy #${i}`));
      expect(status.code).toBe(grpc.status.OK);
      expect(status.metadata.get('x-app-trailer')).toEqual(['done']);
    });

    it('client streaming: every message arrives, one reply', async () => {
      const r = await clientStream(client, ['a', 'b', 'c', 'd']);
      expect(r.error).toBeUndefined();
      expect(r.reply).toEqual({ message: 'hello a, b, c, d' });
    });

    it('a client deadline cancels the call on the server', async () => {
      const before = mesh.server.cancelled();
      const r = await unary(client, { name: 'slow', hang: true }, { deadlineMs: 300 });
      expect(r.error?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
      await eventually(() => expect(mesh.server.cancelled()).toBe(before + 1));
    });

    it('a destination with no endpoints answers UNAVAILABLE (trailers-only, signalbox-proxy-error)', async () => {
      mesh.cp.endpoints('empty.demo:7003', []);
      const empty = greeterClient(a.outboundAddr, 'empty.demo:7003');
      const r = await unary(empty, { name: 'x' });
      empty.close();
      expect(r.error?.code).toBe(grpc.status.UNAVAILABLE);
      expect(r.error?.metadata.get('signalbox-proxy-error')).toEqual(['no-endpoints']);
    });

    it('classifies by grpc-status in response_total on both sides', async () => {
      const out = `direction="outbound",authority="${greeter}"`;
      const line = (side: string, code: number, cls: string) =>
        new RegExp(`response_total\\{${side}[^}]*status_code="200",classification="${cls}",grpc_status="${code}",error=""\\} [1-9]`);
      await eventually(async () => {
        const text = await scrape(a.adminAddr);
        expect(text).toMatch(line(out, 0, 'success'));
        expect(text).toMatch(line(out, 5, 'success'));
        expect(text).toMatch(line(out, 14, 'failure'));
        expect(text).toMatch(line(out, 13, 'failure'));
        expect(text).toMatch(/response_total\{[^}]*authority="empty.demo:7003"[^}]*status_code="200",classification="failure",grpc_status="14",error="no-endpoints"\} 1/);
        expect(text).toMatch(new RegExp(`response_total\\{${out}[^}]*classification="failure",grpc_status="",error="client-gone"\\} 1`));
      });
      const inbound = await scrape(b.adminAddr);
      for (const [code, cls] of [[0, 'success'], [5, 'success'], [14, 'failure'], [13, 'failure']] as const)
        expect(inbound).toMatch(line('direction="inbound"', code, cls));
    });
  });
});
