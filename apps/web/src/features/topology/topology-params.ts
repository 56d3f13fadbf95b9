// The topology's state in the URL, so a view is a shareable link: `q` (search), `idle=hide`, `healthy=hide`, `focus=<ns/name>`,
// `hops` (1–3), `view=k,x,y` (zoom and pan) and `live=1` (live traffic dots). Other parameters (the window) are left as they are.
import { formatView, parseView, type View } from './view';

export interface TopologyParams {
  readonly search: string;
  readonly hideIdle: boolean;
  readonly hideHealthy: boolean;
  readonly focus: string | null;
  readonly hops: number;
  readonly view: View | null;
  /** Animate tapped requests along the edges. Off by default: it opens tap streams. */
  readonly live: boolean;
}

export const hopChoices = [1, 2, 3] as const;

export function parseTopologyParams(params: URLSearchParams): TopologyParams {
  const hops = Number(params.get('hops'));
  return {
    search: (params.get('q') ?? '').slice(0, 100),
    hideIdle: params.get('idle') === 'hide',
    hideHealthy: params.get('healthy') === 'hide',
    focus: params.get('focus') || null,
    hops: (hopChoices as readonly number[]).includes(hops) ? hops : 1,
    view: parseView(params.get('view')),
    live: params.get('live') === '1',
  };
}

/** The query string (no "?") with `patch` applied; defaults are dropped so plain links stay plain. */
export function withTopologyParams(current: URLSearchParams, patch: Partial<TopologyParams>): string {
  const next = new URLSearchParams(current);
  const set = (key: string, value: string | null) => (value === null ? next.delete(key) : next.set(key, value));
  if (patch.search !== undefined) set('q', patch.search === '' ? null : patch.search);
  if (patch.hideIdle !== undefined) set('idle', patch.hideIdle ? 'hide' : null);
  if (patch.hideHealthy !== undefined) set('healthy', patch.hideHealthy ? 'hide' : null);
  if (patch.focus !== undefined) set('focus', patch.focus);
  if (patch.hops !== undefined) set('hops', patch.hops === 1 ? null : String(patch.hops));
  if (patch.view !== undefined) set('view', patch.view === null ? null : formatView(patch.view));
  if (patch.live !== undefined) set('live', patch.live ? '1' : null);
  return next.toString();
}
