// How a demo app calls another service: plain HTTP through its own outbound proxy, in absolute form, exactly as
// any `http_proxy=`-aware client would. The app knows service names only, never addresses.
import http from 'node:http';
import { parseHostPort } from '@signalbox/shared';

export interface MeshResponse {
  readonly status: number;
  readonly body: string;
}

export function createMeshClient(outboundProxy: string) {
  const proxy = parseHostPort(outboundProxy);
  if (!proxy) throw new Error(`bad outbound proxy address ${outboundProxy}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  return function get(authority: string, path: string, timeoutMs = 5000): Promise<MeshResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: proxy.host, port: proxy.port, method: 'GET', path: `http://${authority}${path}`, agent,
          headers: { host: authority }, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  };
}
export type MeshClient = ReturnType<typeof createMeshClient>;
