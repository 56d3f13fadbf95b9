// The root layout: header with the product name (a link to the overview) and the page below. System fonts only.
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'Signalbox',
  description: 'Live golden metrics of the Signalbox service mesh',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="app-header">
          <Link href="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Signalbox
          </Link>
          <nav>
            <Link href="/">Overview</Link>
            <Link href="/tap">Tap</Link>
            <Link href="/top">Top</Link>
          </nav>
        </header>
        <main className="app-main">
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
