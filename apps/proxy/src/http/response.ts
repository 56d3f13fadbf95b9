// Responses the proxy generates itself (errors, admin): HTTP/1.1, plain text, explicit length, coded cause.
import { meshHeaders } from '@signalbox/shared';
import { httpDate } from '../utc-time.js';

/** Reason phrases: RFC 9110 §15's codes and the other registered ones a proxy may relay (102, 103, 207, 429…). */
const reasons: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  102: 'Processing',
  103: 'Early Hints',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  207: 'Multi-Status',
  208: 'Already Reported',
  226: 'IM Used',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a Teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
  510: 'Not Extended',
  511: 'Network Authentication Required',
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
  /** With a Date field (RFC 9110 §6.6.1: an origin server with a clock sends one). */
  readonly date?: boolean;
}

export function formatPlainResponse(r: PlainResponse): Buffer {
  const body = Buffer.from(r.body, 'utf8');
  let head =
    `HTTP/1.1 ${r.status} ${reasonPhrase(r.status)}\r\n` +
    `content-type: ${r.contentType ?? 'text/plain; charset=utf-8'}\r\n` +
    `content-length: ${body.length}\r\n`;
  if (r.date) head += `date: ${httpDate()}\r\n`;
  if (r.error) head += `${meshHeaders.proxyError}: ${r.error}\r\n`;
  if (r.close) head += 'connection: close\r\n';
  else if (r.keepAlive10) head += 'connection: keep-alive\r\n';
  const headBuf = Buffer.from(`${head}\r\n`, 'latin1');
  return r.head ? headBuf : Buffer.concat([headBuf, body]);
}
