// A closed lock (mTLS) or an open one (not secured), drawn inline: emoji locks need a font this machine lacks.
export function LockIcon({ secured }: { secured: boolean }) {
  return (
    <svg className={`lock-icon ${secured ? 'secured' : 'open'}`} width="10" height="13" viewBox="0 0 10 13" aria-hidden="true">
      <rect x="0.7" y="5.2" width="8.6" height="7" rx="1.5" />
      <path d={secured ? 'M2.5 5.2 V3.4 a2.5 2.5 0 0 1 5 0 V5.2' : 'M2.5 5.2 V3.4 a2.5 2.5 0 0 1 5 0 V2.6'} fill="none" />
    </svg>
  );
}
