'use client';
// A live top aggregation for one tap request: its own TopCapture fed by a reconnecting tap stream.
import type { TapRequestInput } from '@signalbox/shared';
import { useState, useSyncExternalStore } from 'react';
import { useTapStream, type TapStreamControls } from '../tap/use-tap-stream';
import { TopCapture, type TopSnapshot } from './top-capture';

export function useTopStream(request: TapRequestInput | null): { snapshot: TopSnapshot; stream: TapStreamControls; clear: () => void } {
  const [top] = useState(() => new TopCapture());
  const snapshot = useSyncExternalStore(top.subscribe, top.getSnapshot, top.getSnapshot);
  const stream = useTapStream(top, request, { autoReconnect: true });
  return { snapshot, stream, clear: () => top.clear() };
}
