// The tRPC client for the control plane: the same `stat` procedure the dashboard calls.
import type { AppRouter } from '@signalbox/api/router';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';

/** Requests give up after `timeoutMs`: a hung API must not hang the terminal. */
export function createApiClient(apiUrl: string, timeoutMs = 15_000): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${apiUrl.replace(/\/+$/, '')}/trpc`,
        fetch: (url, init) => fetch(url, { ...(init as RequestInit), signal: AbortSignal.timeout(timeoutMs) }),
      }),
    ],
  });
}
