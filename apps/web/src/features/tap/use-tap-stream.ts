'use client';
// The React side of a tap stream: one TapSocket per sink, started whenever the request changes (and `autoStart`),
// stopped when the component goes away. Returns the stream's state for the status line, and start/stop controls.
import type { TapRequestInput } from '@signalbox/shared';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { TapSocket, type TapSink } from './tap-socket';
import type { TapStreamState } from './tap-status';

const idle: TapStreamState = { kind: 'idle' };

export interface TapStreamControls {
  readonly state: TapStreamState;
  start(): void;
  stop(): void;
}

export function useTapStream(
  sink: TapSink,
  request: TapRequestInput | null,
  options: { readonly autoStart?: boolean; readonly autoReconnect?: boolean } = {},
): TapStreamControls {
  const { autoStart = true, autoReconnect = false } = options;
  const [socket] = useState(() => new TapSocket(sink, { autoReconnect }));
  const state = useSyncExternalStore(socket.subscribe, socket.getSnapshot, () => idle);
  // The request as a string: a new object with the same content must not restart the stream.
  const requestKey = request === null ? null : JSON.stringify(request);

  useEffect(() => {
    if (requestKey === null || !autoStart) return;
    socket.start(JSON.parse(requestKey) as TapRequestInput);
    return () => socket.stop();
  }, [socket, requestKey, autoStart]);

  const start = useCallback(() => {
    if (requestKey !== null) socket.start(JSON.parse(requestKey) as TapRequestInput);
  }, [socket, requestKey]);
  const stop = useCallback(() => socket.stop(), [socket]);
  return { state, start, stop };
}
