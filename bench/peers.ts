// Configuration of the peers the bench compares against, written to a scratch directory: nginx as the lean
// backend (HTTP/1.1 and h2c, 100-byte bodies) and as a reverse proxy, haproxy in `mode tcp`.

/** The response body every backend sends: 100 bytes. */
export const body100 = 'x'.repeat(99) + '\n';

const nginxCommon = (dir: string) => `
worker_processes 1;
daemon off;
pid ${dir}/nginx-PIDNAME.pid;
error_log ${dir}/nginx-PIDNAME.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-tmp/body;
  proxy_temp_path ${dir}/nginx-tmp/proxy;
  fastcgi_temp_path ${dir}/nginx-tmp/fastcgi;
  uwsgi_temp_path ${dir}/nginx-tmp/uwsgi;
  scgi_temp_path ${dir}/nginx-tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
`;

/** The backend: a fixed 100-byte 200 on an HTTP/1.1 port and an h2c (prior knowledge) port. */
export function nginxBackend(dir: string, h1Port: number, h2Port: number): string {
  return `${nginxCommon(dir).replaceAll('PIDNAME', 'backend')}
  server {
    listen 127.0.0.1:${h1Port};
    listen 127.0.0.1:${h2Port} http2;
    location / { default_type text/plain; return 200 "${body100.trimEnd()}\\n"; }
  }
}
`;
}

/** nginx as a reverse proxy with keep-alive upstream connections (the comparison Linkerd users make). */
export function nginxProxy(dir: string, h1Port: number, h2Port: number, backendH1: number): string {
  return `${nginxCommon(dir).replaceAll('PIDNAME', 'proxy')}
  upstream backend { server 127.0.0.1:${backendH1}; keepalive 128; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:${h1Port};
    listen 127.0.0.1:${h2Port} http2;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/** haproxy forwarding bytes, one thread: the opaque-TCP reference. */
export function haproxyTcp(listenPort: number, backendPort: number): string {
  return `global
  maxconn 4096
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 300s
  timeout server 300s
frontend bench
  bind 127.0.0.1:${listenPort}
  default_backend app
backend app
  server app 127.0.0.1:${backendPort}
`;
}
