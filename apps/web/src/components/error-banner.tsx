// The banner shown when a query fails: it names the cause (Prometheus down, API unreachable…) and says whether the
// values below are the last known ones. Polling continues behind it, so it clears by itself on recovery.
import { describeApiError } from '../lib/api-error';

export function ErrorBanner({ error, showingStaleData }: { error: unknown; showingStaleData: boolean }) {
  const view = describeApiError(error);
  return (
    <div className="error-banner" role="alert" data-kind={view.kind}>
      <strong>{view.message}</strong>
      <span className="error-banner-note">
        {showingStaleData ? 'Showing the last values received; retrying every 2 s.' : 'Retrying every 2 s.'}
      </span>
      {view.detail !== null && view.detail !== view.message && <code className="error-banner-detail">{view.detail}</code>}
    </div>
  );
}
