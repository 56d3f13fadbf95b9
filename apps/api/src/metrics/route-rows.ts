// Pure reduction of the route queries' vectors to table rows, as viz's `routes` command does it: one row per
// profile route in profile order, then `[DEFAULT]` (requests no route matched, `rt_route` empty), then any route
// Prometheus still remembers that the profile no longer has. RPS = (success + failure) / window; SR = success / all.
import { defaultRouteName, sampleValue, type RouteRow, type Vector } from '@signalbox/shared';

export interface RouteVectors {
  readonly effective: Vector;
  readonly actual: Vector;
  readonly latencyP50: Vector;
  readonly latencyP95: Vector;
  readonly latencyP99: Vector;
}

export interface RouteRowsArgs {
  readonly service: string;
  /** The profile's route names, in order. */
  readonly routes: readonly string[];
  readonly windowSeconds: number;
  readonly vectors: RouteVectors;
}

const nameOf = (metric: Readonly<Record<string, string>>) => metric.rt_route || defaultRouteName;

export function routeRows({ service, routes, windowSeconds, vectors }: RouteRowsArgs): RouteRow[] {
  const outcomes = (vector: Vector) => {
    const byRoute = new Map<string, { ok: number; all: number }>();
    for (const { metric, value } of vector) {
      const c = metric.classification;
      if (c !== 'success' && c !== 'failure') continue;
      const name = nameOf(metric);
      const o = byRoute.get(name) ?? { ok: 0, all: 0 };
      const n = sampleValue(value[1]) ?? 0;
      o.all += n;
      if (c === 'success') o.ok += n;
      byRoute.set(name, o);
    }
    return byRoute;
  };
  const quantile = (vector: Vector) => {
    const byRoute = new Map<string, number | null>();
    // Several `dst` spellings of one route: keep a number over NaN.
    for (const { metric, value } of vector) byRoute.set(nameOf(metric), sampleValue(value[1]) ?? byRoute.get(nameOf(metric)) ?? null);
    return byRoute;
  };
  const effective = outcomes(vectors.effective);
  const actual = outcomes(vectors.actual);
  const p50 = quantile(vectors.latencyP50);
  const p95 = quantile(vectors.latencyP95);
  const p99 = quantile(vectors.latencyP99);
  const names = [...routes, defaultRouteName];
  for (const name of [...effective.keys(), ...actual.keys()]) if (!names.includes(name)) names.push(name);
  const outcome = (o: { ok: number; all: number } | undefined) => ({
    // Float noise from increase()'s extrapolation must not push a rate outside [0, 1].
    successRate: o && o.all > 0 ? Math.min(1, Math.max(0, o.ok / o.all)) : null,
    rps: (o?.all ?? 0) / windowSeconds,
  });
  return names.map((route) => ({
    route,
    service,
    effective: outcome(effective.get(route)),
    actual: outcome(actual.get(route)),
    latencyMs: { p50: p50.get(route) ?? null, p95: p95.get(route) ?? null, p99: p99.get(route) ?? null },
  }));
}
