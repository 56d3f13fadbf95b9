'use client';
// The browser's tRPC client: typed by the API's router (a type-only import), talking to our own /api/trpc route,
// which forwards to the control plane, so the browser never needs the API's address.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@signalbox/api/router';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export function createBrowserTrpcClient() {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: '/api/trpc' })] });
}
