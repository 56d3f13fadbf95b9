'use client';
// What the tap and top pages share: the query form with its error, and the start/stop button of the stream.
import type { TapRequestInput } from '@signalbox/shared';
import type { TapQuery } from './tap-query';
import { TapQueryForm } from './tap-query-form';

export function TapQueryPanel(props: {
  label: string;
  query: TapQuery;
  request: TapRequestInput | { error: string };
  running: boolean;
  onSubmit: (next: TapQuery) => void;
}) {
  const { label, query, request, running, onSubmit } = props;
  return (
    <section className="panel" aria-label={label}>
      <TapQueryForm query={query} onSubmit={onSubmit} submitLabel={running ? 'Restart' : 'Start'} />
      {'error' in request && query.resource !== '' && (
        <p className="form-error" role="alert">
          {request.error}
        </p>
      )}
    </section>
  );
}

export function StartStopButton(props: { running: boolean; disabled: boolean; onStart: () => void; onStop: () => void }) {
  const { running, disabled, onStart, onStop } = props;
  return running ? (
    <button type="button" className="button" onClick={onStop}>
      Stop
    </button>
  ) : (
    <button type="button" className="button primary" onClick={onStart} disabled={disabled}>
      Start
    </button>
  );
}
