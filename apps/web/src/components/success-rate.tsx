// A success rate as Linkerd colours it: a dot plus the percentage; `data-level` carries good/warning/poor/none.
import { successRateLevel } from '@signalbox/shared';
import { formatPercent } from '../features/metrics/format';

export function SuccessRate({ rate }: { rate: number | null }) {
  const level = successRateLevel(rate);
  return (
    <span className={`success-rate level-${level}`} data-level={level} title={level === 'none' ? 'no requests in the window' : level}>
      <span className="dot" aria-hidden="true" />
      {formatPercent(rate)}
    </span>
  );
}
