// Responses the proxy generates itself (errors, admin): HTTP/1.1, plain text, explicit length, coded cause.
import { meshHeaders } from '@signalbox/shared';

const reasons: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return reasons[status] ?? 'Unknown';
}

export interface PlainResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
  /** `signalbox-proxy-error` value. */
  readonly error?: string;
  readonly close?: boolean;
  /** HTTP/1.0 clients that asked for keep-alive must be told it was granted. */
  readonly keepAlive10?: boolean;
  readonly head?: boolean;
}

export function formatPlainResponse(r: PlainResponse): Buffer {
  const body = Buffer.from(r.body, 'utf8');
  let head =
    `HTTP/1.1 ${r.status} ${reasonPhrase(r.status)}\r\n` +
    `content-type: ${r.contentType ?? 'text/plain; charset=utf-8'}\r\n` +
    `content-length: ${body.length}\r\n`;
  if (r.error) head += `${meshHeaders.proxyError}: ${r.error}\r\n`;
  if (r.close) head += 'connection: close\r\n';
  else if (r.keepAlive10) head += 'connection: keep-alive\r\n';
  const headBuf = Buffer.from(`${head}\r\n`, 'latin1');
  return r.head ? headBuf : Buffer.concat([headBuf, body]);
}
