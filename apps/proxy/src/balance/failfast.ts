// Queue a request while its balancer has no endpoint, for at most `timeoutMs` (Linkerd's failfast timeout, 3 s
// outbound); then fail with the cause the resolution explains. The queue is bounded.
import { ProxyError } from '../errors.js';
import type { Resolution } from '../discovery/resolution.js';
import type { Balancer, Pick } from './balancer.js';

/** Linkerd's HTTP queue capacity. */
export const maxQueued = 10_000;
let queued = 0;

export function failfastError(resolution: Resolution, balancer?: Balancer): ProxyError {
  const unavailable = balancer?.unavailableReason?.();
  if (unavailable !== undefined) return new ProxyError('failfast', `${resolution.authority}: ${unavailable}`);
  if (resolution.status === 'resolved') {
    return resolution.exists
      ? new ProxyError('no-endpoints', `${resolution.authority} has no endpoints`)
      : new ProxyError('unknown-authority', `${resolution.authority} is not a known service`);
  }
  return new ProxyError('discovery-unavailable', `no answer from the control plane for ${resolution.authority}`);
}

/** A pick now, or as soon as an endpoint appears, or a coded error after `timeoutMs`. */
export function chooseEndpoint(balancer: Balancer, resolution: Resolution, timeoutMs: number): Promise<Pick> {
  const now = balancer.choose();
  if (now) return Promise.resolve(now);
  if (queued >= maxQueued) return Promise.reject(failfastError(resolution, balancer));
  queued++;
  return new Promise((resolve, reject) => {
    const done = () => {
      queued--;
      clearTimeout(timer);
      unsubscribe();
      unsubscribeBalancer?.();
    };
    const retry = () => {
      const e = balancer.choose();
      if (!e) return;
      done();
      resolve(e);
    };
    const unsubscribe = resolution.subscribe(retry);
    const unsubscribeBalancer = balancer.subscribe?.(retry);
    const timer = setTimeout(() => {
      done();
      reject(failfastError(resolution, balancer));
    }, timeoutMs);
  });
}
