// Unknown URLs: say so and offer the way back.
import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="panel">
      <h1>Page not found</h1>
      <p className="state-message">
        <Link href="/">Back to the overview</Link>
      </p>
    </section>
  );
}
