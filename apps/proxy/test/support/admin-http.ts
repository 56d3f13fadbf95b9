// The admin port's HTTP/1.1 (admin/http.ts) on a loopback port, for tests; `cleanups` gets what closes it.
import { once } from 'node:events';
import net from 'node:net';
import { createAdminHttp, type AdminHttp, type AdminRoutes } from '../../src/admin/http.js';

export async function listenAdminHttp(
  routes: AdminRoutes,
  cleanups: (() => void)[],
  options?: { headTimeoutMs?: number },
): Promise<{ readonly port: number; readonly http: AdminHttp }> {
  const http = createAdminHttp(routes, options);
  const server = net.createServer(http.accept);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    http.closeAll();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, http };
}
