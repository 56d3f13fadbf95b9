'use client';
// Last line of defence: a render error shows a message and a retry button instead of a blank page.
export default function RenderError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="error-banner" role="alert" data-kind="render">
      <strong>Something went wrong while showing this page.</strong>
      <code className="error-banner-detail">{error.message}</code>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
