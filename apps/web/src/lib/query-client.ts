// The dashboard's react-query defaults: live tables poll on their own, errors are retried once (then shown).
import { QueryClient, keepPreviousData } from '@tanstack/react-query';
import { shouldRetry } from './api-error';

/** How often the live tables refetch, as Linkerd's dashboard does (withREST polls every 2 s). */
export const POLL_INTERVAL_MS = 2_000;

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        retryDelay: 500,
        // Polled data is fresh until the next poll; this keeps remounts and focus changes from double-fetching.
        staleTime: POLL_INTERVAL_MS / 2,
      },
    },
  });
}

/**
 * Options for the live tables: poll every 2 s, and keep showing the previous answer while the next one (or one for
 * a new window) loads, so the table never flickers back to a skeleton. `refetchIntervalInBackground` stays false on
 * purpose: react-query then pauses polling while the tab is hidden, as Linkerd's dashboard does.
 */
export const liveQueryOptions = {
  refetchInterval: POLL_INTERVAL_MS,
  refetchIntervalInBackground: false,
  placeholderData: keepPreviousData,
} as const;
