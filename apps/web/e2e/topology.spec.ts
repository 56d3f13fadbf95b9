// The namespace topology, the pods and services tables and the resource detail page, against the running demo mesh
// (traffic → web → books ×2 → stock over TCP, authors, ratings, feed). Screenshots of each page are attached to the report and kept in
// test-results/ (testInfo.outputPath).
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';

const LATENCY = /^\d+(\.\d+)? (ms|s)$/;

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

function section(page: Page, label: string): Locator {
  return page.locator(`section[aria-label="${label}"]`);
}

async function numberIn(locator: Locator): Promise<number> {
  const text = (await locator.innerText()).trim();
  return text === '-' ? Number.NaN : Number.parseFloat(text);
}

/** Where a node's circle is drawn on the page. */
async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Resolves once the topology has polled its edges `times` more times. */
async function refreshes(page: Page, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await page.waitForResponse((r) => r.url().includes('/api/trpc/') && r.url().includes('edges'));
}

/** The demo's three call edges carry traffic once Prometheus has two scrapes of them. */
async function openTopologyWithTraffic(page: Page, query = ''): Promise<Locator> {
  await page.goto(`/namespaces/demo${query}`);
  const topology = section(page, 'Topology');
  for (const edge of ['traffic>web', 'web>books', 'web>authors'])
    await expect(topology.locator(`[data-edge="${edge}"]`)).toBeVisible({ timeout: 90_000 });
  return topology;
}

test.describe('topology', () => {
  test.setTimeout(120_000);

  test('shows the demo workloads and their HTTP and TCP edges, with a hover card', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const topology = await openTopologyWithTraffic(page);
    for (const node of ['web', 'books', 'authors', 'traffic', 'stock']) await expect(topology.locator(`[data-node="${node}"]`)).toBeVisible();
    await expect(topology.locator('[data-edge="web>books"]')).toHaveAttribute('data-protocol', 'http');
    // books holds an opaque TCP connection to stock: a TCP-only link, which Linkerd's graph leaves out.
    await expect(topology.locator('[data-edge="books>stock"]')).toHaveAttribute('data-protocol', 'tcp');
    // Every hop between meshed workloads is mTLS: a closed lock naming the server's identity.
    await expect(topology.locator('[data-edge="web>books"] [data-lock="closed"] title')).toHaveText(
      'Secured (mTLS), server books.demo.serviceaccount.identity.signalbox.cluster.local',
    );

    await topology.locator('[data-edge="web>books"] .edge-line').hover();
    const card = page.getByRole('tooltip');
    await expect(card).toBeVisible();
    await expect(card).toContainText('web → books');
    await expect(card).toContainText(/[\d.]+ rps · \d{1,3}\.\d{2}% success · p99 /);
    await snap(page, testInfo, 'namespace-topology');
  });

  test('keeps search, focus and zoom in the URL', async ({ page }) => {
    const topology = await openTopologyWithTraffic(page);
    await topology.getByRole('searchbox').fill('auth');
    await expect(page).toHaveURL(/[?&]q=auth(&|$)/);
    await expect(topology.locator('[data-node="authors"]')).toHaveAttribute('data-match', 'true');
    await expect(topology.locator('[data-node="books"]')).toHaveCount(0);
    // authors' neighbour stays, so the match is seen in context.
    await expect(topology.locator('[data-node="web"]')).toBeVisible();

    await topology.getByRole('searchbox').fill('');
    await topology.getByLabel('Focus').selectOption('demo/books');
    await expect(page).toHaveURL(/[?&]focus=demo%2Fbooks(&|$)/);
    // books and its direct neighbours only (web calls it; it holds a TCP connection to stock): not web's others.
    const focused = topology.locator('[data-node]');
    await expect(topology.locator('[data-node="authors"]')).toHaveCount(0);
    await expect(topology.locator('[data-node="web"]')).toBeVisible();
    const neighbourhood = await focused.count();

    await topology.getByRole('button', { name: 'Zoom in' }).click();
    await expect(page).toHaveURL(/[?&]view=[\d.]+%2C-?\d+%2C-?\d+/);

    // The link alone restores the view.
    await page.reload();
    await expect(section(page, 'Topology').getByLabel('Focus')).toHaveValue('demo/books');
    await expect(section(page, 'Topology').locator('[data-node]')).toHaveCount(neighbourhood);
  });

  test('hides healthy workloads but keeps failing ones and both ends of a failing edge, in the URL', async ({ page }) => {
    const topology = await openTopologyWithTraffic(page);
    // books fails one request in ten; web's calls to it fail as often (per attempt), though web itself answers ~100 %.
    await expect(topology.locator('[data-edge="web>books"]')).toHaveClass(/level-(warning|poor)/);
    await expect(topology.locator('[data-node="web"]')).toHaveClass(/level-good/);
    await topology.getByLabel('Hide healthy').check();
    await expect(page).toHaveURL(/[?&]healthy=hide(&|$)/);
    // authors and traffic succeed (over edges that succeed), stock only carries TCP: nothing failed, so hidden.
    for (const node of ['authors', 'traffic', 'stock']) await expect(topology.locator(`[data-node="${node}"]`)).toHaveCount(0);
    for (const node of ['books', 'web']) await expect(topology.locator(`[data-node="${node}"]`)).toBeVisible();
    await expect(topology.locator('[data-edge="web>books"]')).toBeVisible();

    // The link alone restores it, and it combines with search.
    await page.reload();
    const restored = section(page, 'Topology');
    await expect(restored.getByLabel('Hide healthy')).toBeChecked();
    await expect(restored.locator('[data-node="books"]')).toBeVisible();
    await expect(restored.locator('[data-node="authors"]')).toHaveCount(0);
    await restored.getByRole('searchbox').fill('auth');
    await expect(restored.locator('[data-state="no-match"]')).toBeVisible();

    await restored.getByRole('searchbox').fill('');
    await restored.getByLabel('Hide healthy').uncheck();
    await expect(restored.locator('[data-node="authors"]')).toBeVisible();
    await expect(page).not.toHaveURL(/healthy=/);
  });

  test('dragging a node pins it where dropped through refreshes, without opening its page; double-click releases it', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const topology = await openTopologyWithTraffic(page);
    const listUrl = page.url();
    const authors = topology.locator('[data-node="authors"]');
    const circle = authors.locator('.node-circle');
    const web = topology.locator('[data-node="web"] .node-circle');
    const webBefore = await web.getAttribute('cx');
    const start = await centre(circle);
    const drop = { x: start.x + 90, y: start.y - 70 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(drop.x, drop.y, { steps: 8 });
    await page.mouse.up();

    await expect(authors).toHaveAttribute('data-pinned', 'true');
    // authors' neighbour settles after it (a refresh alone never moves a placed node).
    expect(await web.getAttribute('cx')).not.toBe(webBefore);
    const dropped = await centre(circle);
    expect(Math.abs(dropped.x - drop.x)).toBeLessThan(2);
    expect(Math.abs(dropped.y - drop.y)).toBeLessThan(2);
    const at = { cx: await circle.getAttribute('cx'), cy: await circle.getAttribute('cy') };
    await refreshes(page, 2);
    expect(page.url()).toBe(listUrl);
    expect({ cx: await circle.getAttribute('cx'), cy: await circle.getAttribute('cy') }).toEqual(at);

    // Panning the background still moves the whole view, the pinned node with it.
    const svg = await topology.locator('svg.topology-svg').boundingBox();
    await page.mouse.move(svg!.x + 8, svg!.y + svg!.height - 8);
    await page.mouse.down();
    await page.mouse.move(svg!.x + 48, svg!.y + svg!.height - 28, { steps: 4 });
    await page.mouse.up();
    await expect(page).toHaveURL(/[?&]view=/);
    const panned = await centre(circle);
    expect(Math.abs(panned.x - (dropped.x + 40))).toBeLessThan(2);
    expect(Math.abs(panned.y - (dropped.y - 20))).toBeLessThan(2);

    await circle.dblclick();
    await expect(authors).not.toHaveAttribute('data-pinned');
    await refreshes(page, 1);
    expect(new URL(page.url()).pathname).toBe('/namespaces/demo');

    // A single click on a pinned node still opens its page, once no second click follows.
    const again = await centre(circle);
    await page.mouse.move(again.x, again.y);
    await page.mouse.down();
    await page.mouse.move(again.x - 60, again.y + 30, { steps: 4 });
    await page.mouse.up();
    await expect(authors).toHaveAttribute('data-pinned', 'true');
    await circle.click();
    await expect(page).toHaveURL(/\/namespaces\/demo\/deployment\/authors\?/);
  });

  test('clicking an edge opens the tap view filtered to that edge', async ({ page }) => {
    const topology = await openTopologyWithTraffic(page);
    await topology.locator('[data-edge="web>books"] .edge-line').click();
    await expect(page).toHaveURL(/\/tap\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('resource')).toBe('deploy/web');
    expect(url.searchParams.get('namespace')).toBe('demo');
    expect(url.searchParams.get('to')).toBe('deploy/books');
  });

  test('clicking a node opens its detail page with charts', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const topology = await openTopologyWithTraffic(page, '?window=1m');
    await topology.locator('[data-node="books"] .node-circle').click();
    await expect(page).toHaveURL(/\/namespaces\/demo\/deployment\/books\?window=1m$/);

    await expect(page.locator('[data-meshed="meshed"]')).toHaveText('Meshed (2/2 pods)');
    const charts = section(page, 'Charts');
    await expect(charts.locator('.recharts-line')).toHaveCount(5, { timeout: 60_000 });
    await expect(charts.locator('.recharts-line path.recharts-curve').first()).toHaveAttribute('d', /^M[\d.]+,[\d.]+/);
    for (const title of ['Success rate', 'Requests per second', 'Latency'])
      await expect(charts.locator(`[data-chart="${title}"] .recharts-surface`).first()).toBeVisible();

    const edges = section(page, 'Edges');
    await expect(edges.locator('[data-direction="inbound"] tr[data-peer="web"]')).toBeVisible();
    await expect(edges.locator('[data-direction="inbound"] tr[data-peer="web"] td[data-secured="true"]')).toContainText('yes');
    await expect(section(page, 'Live calls')).toContainText('tap');
    await snap(page, testInfo, 'deployment-detail');

    // An absolute range from the URL: the charts show exactly it, and stop polling.
    const now = Math.floor(Date.now() / 1000);
    await page.goto(`/namespaces/demo/deployment/books?window=1m&from=${now - 120}&to=${now}`);
    await expect(page.getByLabel('Metrics window')).toHaveValue('');
    await expect(section(page, 'Charts').locator('.recharts-line')).toHaveCount(5);
    await expect(section(page, 'Charts')).toContainText('Fixed range');
  });
});

test.describe('namespace tables', () => {
  test.setTimeout(120_000);

  test('pods and services tables show live numbers', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/namespaces/demo');
    const pods = section(page, 'Pods');
    const services = section(page, 'Services');
    for (const pod of ['books-0', 'books-1', 'web-0', 'authors-0', 'traffic-0']) await expect(pods.locator(`tr[data-row="${pod}"]`)).toBeVisible();
    for (const svc of ['books', 'web', 'authors']) await expect(services.locator(`tr[data-row="${svc}"]`)).toBeVisible();

    await expect
      .poll(() => numberIn(pods.locator('tr[data-row="books-0"] td[data-column="rps"]')), { timeout: 90_000 })
      .toBeGreaterThan(0);
    await expect(pods.locator('tr[data-row="books-0"] td[data-column="p99"]')).toHaveText(LATENCY);
    await expect(pods.locator('tr[data-row="books-0"] td[data-column="readBytes"]')).toHaveText(/^[\d.]+ (B|kB|MB)\/s$/);
    await expect
      .poll(() => numberIn(services.locator('tr[data-row="books"] td[data-column="rps"]')), { timeout: 90_000 })
      .toBeGreaterThan(0);
    await expect(services.locator('tr[data-row="books"] td[data-column="successRate"]')).toHaveText(/^\d{1,3}\.\d{2}%$/);
    await expect(services.locator('tr[data-row="books"] td[data-column="meshed"]')).toHaveText('2/2');
    await snap(page, testInfo, 'namespace-page');
    // The demo runs only Deployments: the StatefulSet and DaemonSet tables stay away.
    await expect(page.locator('section[aria-label="StatefulSets"], section[aria-label="DaemonSets"]')).toHaveCount(0);

    await services.locator('tr[data-row="books"]').getByRole('link', { name: 'books' }).click();
    await expect(page).toHaveURL(/\/namespaces\/demo\/service\/books/);
    await expect(section(page, 'Charts').locator('.recharts-line')).toHaveCount(5, { timeout: 60_000 });
    await snap(page, testInfo, 'service-detail');

    await page.goto('/namespaces/demo/pod/books-0');
    await expect(page.locator('.related')).toContainText('Workload: books');
    // The owner's page by the owner's kind (a StatefulSet's pod would link to /statefulset/).
    await expect(page.locator('.related p', { hasText: 'Workload' }).getByRole('link')).toHaveAttribute('href', '/namespaces/demo/deployment/books?window=1m');
    await expect(section(page, 'Charts').locator('.recharts-line')).toHaveCount(5, { timeout: 60_000 });
    await snap(page, testInfo, 'pod-detail');

    // `sts` routes to the StatefulSet page, which knows books is not one.
    await page.goto('/namespaces/demo/sts/books');
    await expect(page.locator('h1')).toContainText('statefulset books');
    await expect(page.locator('[data-state="not-found"]')).toHaveText('No statefulset books in namespace demo.');
  });

  test('is usable 390 px wide', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openTopologyWithTraffic(page);
    // Nothing but the tables' own scrollers may overflow the page sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await snap(page, testInfo, 'namespace-page-390');
    await page.goto('/namespaces/demo/deployment/web');
    await expect(section(page, 'Charts').locator('.recharts-line')).toHaveCount(5, { timeout: 60_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await snap(page, testInfo, 'deployment-detail-390');
  });

  test('unknown resources say so', async ({ page }) => {
    await page.goto('/namespaces/demo/deployment/ghost');
    await expect(page.locator('[data-state="not-found"]')).toContainText('No deployment ghost in namespace demo');
  });
});

test.describe('error states', () => {
  test.setTimeout(120_000);

  /** Answers every tRPC call as the API does while Prometheus is down (SERVICE_UNAVAILABLE + signalboxCode). */
  async function prometheusDown(page: Page): Promise<void> {
    await page.route('**/api/trpc/**', async (route) => {
      const procedures = new URL(route.request().url()).pathname.split('/').pop()!.split(',');
      const error = {
        error: {
          message: 'Prometheus at http://127.0.0.1:9 is unavailable: connect ECONNREFUSED 127.0.0.1:9',
          code: -32603,
          data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, signalboxCode: 'PROMETHEUS_UNAVAILABLE' },
        },
      };
      const batched = new URL(route.request().url()).searchParams.has('batch');
      await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(batched ? procedures.map(() => error) : error) });
    });
  }

  test('topology and detail pages name the cause and recover by themselves', async ({ page }) => {
    await openTopologyWithTraffic(page);
    await prometheusDown(page);
    const banner = section(page, 'Topology').locator('.error-banner[data-kind="prometheus-unavailable"]');
    await expect(banner).toContainText('Prometheus is unreachable');
    // The last graph stays on screen under the banner.
    await expect(section(page, 'Topology').locator('[data-edge="web>books"]')).toBeVisible();
    await page.unroute('**/api/trpc/**');
    await expect(banner).toHaveCount(0);

    await prometheusDown(page);
    await page.goto('/namespaces/demo/deployment/books');
    await expect(section(page, 'Charts').locator('.error-banner[data-kind="prometheus-unavailable"]')).toBeVisible();
    await page.unroute('**/api/trpc/**');
    await expect(section(page, 'Charts').locator('.recharts-line')).toHaveCount(5, { timeout: 60_000 });
    await expect(page.locator('.error-banner')).toHaveCount(0);
  });
});
