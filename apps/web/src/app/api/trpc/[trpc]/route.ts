// Forwards the browser's tRPC calls to the control plane at ${SIGNALBOX_API_URL}/trpc/<procedures>, read at
// request time so one build runs against any API. An unreachable API answers 502 with a tRPC error envelope, so
// the page shows "Cannot reach the Signalbox API" rather than a generic failure.
import type { NextRequest } from 'next/server';
import {
  DEFAULT_API_URL,
  FORWARDED_REQUEST_HEADERS,
  fetchFailureReason,
  unreachableEnvelope,
  upstreamUrl,
} from '../../../../lib/api-proxy';

export const dynamic = 'force-dynamic';

// Longer than any stat query should take, shorter than a user's patience; the page polls again anyway.
const UPSTREAM_TIMEOUT_MS = 10_000;

async function forward(request: NextRequest): Promise<Response> {
  const apiBase = process.env.SIGNALBOX_API_URL || DEFAULT_API_URL;
  const url = upstreamUrl(apiBase, request.nextUrl.pathname, request.nextUrl.search);
  if (url === null) return Response.json({ error: 'not a tRPC procedure path' }, { status: 404 });

  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();

  let upstream: Response;
  try {
    upstream = await fetch(url, {
      method: request.method,
      headers,
      body,
      cache: 'no-store',
      redirect: 'manual',
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
  } catch (error) {
    return Response.json(unreachableEnvelope(fetchFailureReason(error)), {
      status: 502,
      headers: { 'cache-control': 'no-store' },
    });
  }

  // fetch already decoded any content-encoding, so only the type is passed on (not length or encoding).
  const responseHeaders = new Headers({ 'cache-control': 'no-store' });
  const contentType = upstream.headers.get('content-type');
  if (contentType !== null) responseHeaders.set('content-type', contentType);
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}

export const GET = forward;
export const POST = forward;
