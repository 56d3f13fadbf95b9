// When to renew, and how long to wait after a failure: Linkerd's identity client renews at 70 % of the remaining
// lifetime, clamped to [10 s, 24 h] (linkerd/proxy/identity-client/src/certify.rs). Pure.
import { backoffDelay, type BackoffOptions } from '../discovery/backoff.js';

export const minRefreshMs = 10_000;
export const maxRefreshMs = 24 * 60 * 60 * 1000;

/** Delay until the next certify for a certificate valid until `validUntilMs`, seen at `nowMs` (both epoch ms). */
export function refreshDelayMs(validUntilMs: number, nowMs: number): number {
  const remaining = Math.max(0, validUntilMs - nowMs);
  return Math.min(maxRefreshMs, Math.max(minRefreshMs, Math.floor((remaining * 7) / 10)));
}

/** Retries after a failed certify: 1 s doubling to 1 min, ±50 % jitter so a restarted control plane is not stampeded. */
export const certifyBackoff: BackoffOptions = { minMs: 1000, maxMs: 60_000, jitter: 0.5 };

/** Delay before retry `attempt` (0-based): backoff, never past the current certificate's refresh-by time. */
export function retryDelayMs(attempt: number, random: () => number, options: BackoffOptions = certifyBackoff): number {
  return backoffDelay(attempt, options, random);
}
