// Both proxies' /metrics carry Linkerd's names and exact label shapes after traffic flows A → B → app.
import { eventually } from '@signalbox/launch';
import { latencyBucketsMs } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, scrape } from '../support/client.js';
import { endpoint } from '../support/fake-control-plane.js';
import { startMesh, type Mesh } from '../support/mesh.js';

let mesh: Mesh;

beforeAll(async () => {
  mesh = await startMesh();
  mesh.cp.endpoints('books.demo:7000', [endpoint(mesh.b.inboundAddr, 'books-1')]);
  for (let i = 0; i < 3; i++) expect((await request(mesh.a.outboundAddr, 'http://books.demo:7000/m')).status).toBe(200);
  expect((await request(mesh.a.outboundAddr, 'http://books.demo:7000/status?code=500')).status).toBe(500);
});
afterAll(() => mesh.close());

/** The sample lines of one metric, as `name{labels} value`. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`));
}

describe('metrics', () => {
  it('outbound: request/response/latency with authority, target and dst_* labels', async () => {
    const text = await scrape(mesh.a.adminAddr);
    const b = mesh.b.inboundAddr;
    const [ip, port] = b.split(':');
    const base = `direction="outbound",authority="books.demo:7000",target_addr="${b}",target_ip="${ip}",target_port="${port}",tls="no_identity",no_tls_reason="not_provided_by_service_discovery",dst_namespace="demo",dst_service="books",dst_deployment="books",dst_pod="books-1",dst_serviceaccount="default"`;
    expect(samples(text, 'request_total')).toContain(`request_total{${base}} 4`);
    expect(samples(text, 'response_total')).toEqual(
      expect.arrayContaining([
        `response_total{${base},status_code="200",classification="success",grpc_status="",error=""} 3`,
        `response_total{${base},status_code="500",classification="failure",grpc_status="",error=""} 1`,
      ]),
    );
    const buckets = samples(text, 'response_latency_ms_bucket').filter((l) => l.includes('status_code="200"'));
    expect(buckets.map((l) => /le="([^"]+)"/.exec(l)?.[1])).toEqual([...latencyBucketsMs.map(String), '+Inf']);
    expect(buckets.at(-1)).toBe(`response_latency_ms_bucket{le="+Inf",${base},status_code="200"} 3`);
    expect(text).toContain(`response_latency_ms_count{${base},status_code="200"} 3`);
  });

  it('inbound: no authority label, no_tls_from_remote, target is the app', async () => {
    const text = await scrape(mesh.b.adminAddr);
    const app = mesh.app.addr;
    const [ip, port] = app.split(':');
    const base = `direction="inbound",target_addr="${app}",target_ip="${ip}",target_port="${port}",tls="no_identity",no_tls_reason="no_tls_from_remote"`;
    expect(samples(text, 'request_total')).toEqual([`request_total{${base}} 4`]);
    expect(samples(text, 'response_total')).toContain(
      `response_total{${base},status_code="200",classification="success",grpc_status="",error=""} 3`,
    );
  });

  it('tcp_* counts accepted (src) and opened (dst) connections with bytes', async () => {
    const a = await scrape(mesh.a.adminAddr);
    const b = mesh.b.inboundAddr;
    const dst = `direction="outbound",target_addr="${b}",target_ip="${b.split(':')[0]}",target_port="${b.split(':')[1]}",tls="no_identity",no_tls_reason="not_provided_by_service_discovery",dst_namespace="demo",dst_service="books",dst_deployment="books",dst_pod="books-1",dst_serviceaccount="default",peer="dst"`;
    expect(a).toContain(`tcp_open_total{${dst}} 1`);
    expect(a).toContain(`tcp_open_connections{${dst}} 1`);
    expect(a).toMatch(new RegExp(`tcp_write_bytes_total\\{${escape(dst)}\\} [1-9]\\d*`));
    expect(a).toMatch(new RegExp(`tcp_read_bytes_total\\{${escape(dst)}\\} [1-9]\\d*`));
    expect(a).toMatch(/tcp_close_total\{direction="outbound",[^}]*no_tls_reason="loopback",peer="src",errno=""\} 4/);

    const bText = await scrape(mesh.b.adminAddr);
    expect(bText).toMatch(/tcp_open_total\{direction="inbound",[^}]*no_tls_reason="no_tls_from_remote",peer="src"\} 1/);
    expect(bText).toMatch(/tcp_open_total\{direction="inbound",[^}]*no_tls_reason="no_tls_from_remote",peer="dst"\} 1/);
  });

  it('admin answers /ready, /live and 404', async () => {
    const base = `http://${mesh.a.adminAddr}`;
    await eventually(async () => expect((await fetch(`${base}/ready`)).status).toBe(200));
    expect((await fetch(`${base}/live`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
