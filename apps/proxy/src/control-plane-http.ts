// HTTP requests to the control plane (destination streams, certify) over node:http, which the admin listener has
// loaded anyway, rather than fetch: the first fetch loads undici, ~2 MB of heap and ~2 MB of the node binary's
// pages in every proxy that resolves a destination or has an identity. node:https only for an https:// URL.
import http from 'node:http';

export interface ControlPlaneRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /**
   * A request (or response body) with no data for this long fails (ms). fetch's default (undici's headers and body
   * timeouts), so a silent destination stream still ends and reconnects as it did.
   */
  readonly idleTimeoutMs?: number;
}

const defaultIdleTimeoutMs = 300_000;

/** Resolves with the response head; its body is the returned stream. Rejects with the connect or request error. */
export function controlPlaneRequest(url: URL, options: ControlPlaneRequest = {}): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? process.getBuiltinModule('node:https') : http;
  const idleMs = options.idleTimeoutMs ?? defaultIdleTimeoutMs;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    // A length, as fetch sends, rather than chunked framing.
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const req = client.request(url, {
      method: options.method ?? 'GET',
      headers,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    req.once('response', resolve);
    req.on('error', reject);
    req.setTimeout(idleMs, () => req.destroy(new Error(`no data from ${url.host} for ${idleMs / 1000} s`)));
    req.end(options.body);
  });
}

/** The whole body as text (UTF-8). */
export async function readText(res: http.IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += chunk as string;
  return text;
}

/**
 * What made a request fail, in a word: the socket error code (ECONNREFUSED…), or for an aborted request why it was
 * aborted (TimeoutError for AbortSignal.timeout).
 */
export function failureCause(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { cause?: { name?: string } };
  if (e.code === 'ABORT_ERR') return e.cause?.name ?? e.name;
  return e.code ?? e.name;
}
