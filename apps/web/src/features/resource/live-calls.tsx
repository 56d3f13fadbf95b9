// "Live calls" (Linkerd's TopRoutesTabs → Live Calls): a top table of this resource's requests streamed from tap.
// Tap's wire schemas exist (packages/shared/src/tap.ts, top.ts); the dashboard's tap stream is not wired yet, so
// this section says so and links to the tap view instead of showing an empty table.
import Link from 'next/link';
import type { WorkloadRef } from '@signalbox/shared';
import { tapHref } from '../../lib/links';

export function LiveCalls({ workload }: { workload: WorkloadRef | null }) {
  return (
    <section className="panel" aria-label="Live calls" data-state="pending-tap">
      <h2>Live calls</h2>
      <p className="state-message">
        The live “top” table of this resource’s requests streams from tap and arrives with the dashboard’s tap view.
        {workload && (
          <>
            {' '}
            Meanwhile, <Link href={tapHref(workload)}>open a tap of deploy/{workload.deployment}</Link>.
          </>
        )}
      </p>
    </section>
  );
}
