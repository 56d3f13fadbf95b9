'use client';
// The metrics window picker. The window lives in the URL (`?window=10m`) so every view is a shareable link.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';

export function WindowSelect<W extends string>({ value, options }: { value: W; options: readonly W[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  function select(next: string) {
    const params = new URLSearchParams(searchParams.toString());
    params.set('window', next);
    startTransition(() => router.push(`${pathname}?${params.toString()}`, { scroll: false }));
  }

  return (
    <label className="window-select" data-pending={pending || undefined}>
      <span>Window</span>
      <select value={value} onChange={(e) => select(e.target.value)} aria-label="Metrics window">
        {options.map((w) => (
          <option key={w} value={w}>
            {w}
          </option>
        ))}
      </select>
    </label>
  );
}
