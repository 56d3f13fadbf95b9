// A column header over numbers: the `numeric` class right-aligns it with its cells, and every table shares this one
// so a header and its column cannot drift apart.
import type { ReactNode } from 'react';

export function NumericHeader({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <th scope="col" className="numeric" title={title}>
      {children}
    </th>
  );
}
