// Route PromQL as exact strings (viz's top_routes.go shapes).
import { describe, expect, it } from 'vitest';
import { routeQueries } from './routes.js';

describe('routeQueries', () => {
  it('a service, from every client', () => {
    const q = routeQueries({ namespace: 'demo', service: 'books', window: '1m' });
    const sel = '{direction="outbound",dst=~"books\\\\.demo(\\\\.svc\\\\.cluster\\\\.local)?(:\\\\d+)?"}';
    expect(q.effective).toBe(`sum(increase(route_response_total${sel}[1m])) by (rt_route, dst, classification)`);
    expect(q.actual).toBe(`sum(increase(route_actual_response_total${sel}[1m])) by (rt_route, dst, classification)`);
    expect(q.latencyP50).toBe(`histogram_quantile(0.5, sum(irate(route_response_latency_ms_bucket${sel}[1m])) by (le, dst, rt_route))`);
    expect(q.latencyP95).toBe(`histogram_quantile(0.95, sum(irate(route_response_latency_ms_bucket${sel}[1m])) by (le, dst, rt_route))`);
    expect(q.latencyP99).toBe(`histogram_quantile(0.99, sum(irate(route_response_latency_ms_bucket${sel}[1m])) by (le, dst, rt_route))`);
  });

  it('from one deployment', () => {
    expect(routeQueries({ namespace: 'demo', service: 'books-v2', window: '30s', fromDeployment: 'web' }).effective).toBe(
      'sum(increase(route_response_total{deployment="web",direction="outbound",dst=~"books-v2\\\\.demo(\\\\.svc\\\\.cluster\\\\.local)?(:\\\\d+)?",namespace="demo"}[30s])) by (rt_route, dst, classification)',
    );
  });
});
