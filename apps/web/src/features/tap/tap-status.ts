// What the tap view says about its stream: the states of one tap socket, and a close (code + reason, from the
// control plane or the dashboard's relay) turned into a sentence and a decision whether reconnecting could help.
import { tapCloseCodes, tapErrorCodes } from '@signalbox/shared';
import { tapRelayCodes } from '../../lib/tap-relay';

export type TapStreamState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting' }
  | { readonly kind: 'streaming' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'ended'; readonly end: TapEnd; readonly reconnectAt?: number };

export interface TapEnd {
  readonly code: number;
  /** The close reason without its code prefix. */
  readonly detail: string;
  readonly message: string;
  /** A transient failure (API or dashboard gone, a restart): reconnecting later may work. Bad requests are not. */
  readonly transient: boolean;
}

const ABNORMAL = 1006;

export function describeTapClose(code: number, reason: string): TapEnd {
  const match = /^([A-Z0-9_]+): (.*)$/s.exec(reason);
  const errorCode = match?.[1];
  const detail = match?.[2] ?? reason;
  const end = (message: string, transient: boolean): TapEnd => ({ code, detail, message, transient });
  switch (errorCode) {
    case tapRelayCodes.apiUnreachable:
      return end('Cannot reach the Signalbox API', true);
    case tapRelayCodes.apiLost:
      return end('Lost the connection to the Signalbox API', true);
    case tapRelayCodes.apiStalled:
      return end('The Signalbox API stopped answering', true);
    case tapRelayCodes.apiRefused:
      return end('The Signalbox API refused the dashboard’s tap (check SIGNALBOX_TAP_AUTH_TOKEN)', false);
    case tapErrorCodes.unknownResource:
      return end('No such resource to tap', false);
    case tapErrorCodes.noMeshedPods:
      return end('The resource has no meshed pods to tap', false);
    case tapErrorCodes.badRequest:
      return end('The control plane rejected the tap request', false);
    case tapErrorCodes.internal:
      return end('The control plane failed while tapping', true);
  }
  if (code === tapCloseCodes.goingAway) return end('The control plane is shutting down', true);
  if (code === ABNORMAL) return end('Lost the connection to the dashboard server', true);
  if (code === tapCloseCodes.badRequest) return end('The tap request was refused', false);
  if (code === tapCloseCodes.normal) return end('The tap ended', false);
  return end(`The tap closed with code ${code}`, true);
}

/** Delay before reconnect attempt `n` (0-based): 1 s, 2 s, 4 s … capped at 10 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(10_000, 1_000 * 2 ** Math.max(0, attempt));
}
