import { describe, expect, it } from 'vitest';
import { describeTapClose, reconnectDelayMs } from './tap-status';

describe('describeTapClose', () => {
  it.each([
    [1011, 'SB_TAP_API_UNREACHABLE: ECONNREFUSED', 'Cannot reach the Signalbox API', 'ECONNREFUSED', true],
    [1011, 'SB_TAP_API_LOST: the connection to the API ended abruptly', 'Lost the connection to the Signalbox API', 'the connection to the API ended abruptly', true],
    [1011, 'SB_TAP_API_STALLED: the API stopped answering (no pong within 10000 ms)', 'The Signalbox API stopped answering', 'the API stopped answering (no pong within 10000 ms)', true],
    [1008, 'SB_TAP_API_REFUSED: the API answered HTTP 401', 'The Signalbox API refused the dashboard’s tap (check SIGNALBOX_TAP_AUTH_TOKEN)', 'the API answered HTTP 401', false],
    [1008, 'SB_TAP_UNKNOWN_RESOURCE: deployment demo/ghost', 'No such resource to tap', 'deployment demo/ghost', false],
    [1008, 'SB_TAP_NO_MESHED_PODS: deployment demo/x', 'The resource has no meshed pods to tap', 'deployment demo/x', false],
    [1008, 'SB_TAP_BAD_REQUEST: maxRps: too big', 'The control plane rejected the tap request', 'maxRps: too big', false],
    [1011, 'SB_TAP_INTERNAL: boom', 'The control plane failed while tapping', 'boom', true],
    [1001, 'control plane shutting down', 'The control plane is shutting down', 'control plane shutting down', true],
    [1006, '', 'Lost the connection to the dashboard server', '', true],
    [1000, '', 'The tap ended', '', false],
    [4000, 'x', 'The tap closed with code 4000', 'x', true],
  ])('%i %s', (code, reason, message, detail, transient) =>
    expect(describeTapClose(code, reason)).toEqual({ code, message, detail, transient }),
  );
});

describe('reconnectDelayMs', () => {
  it('doubles from 1 s up to 10 s', () => expect([0, 1, 2, 3, 4, 10].map(reconnectDelayMs)).toEqual([1000, 2000, 4000, 8000, 10000, 10000]));
});
