// Liveness for the demo launcher and Playwright's webServer: the dashboard server is up and routing.
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return new Response('ok', { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}
