// Tap, top, live calls and live traffic against the running demo mesh, through the dashboard's /api/tap relay to the
// control plane and the proxies; and the real Prometheus paused (SIGSTOP by PID) then resumed. Waits are
// auto-retrying assertions; screenshots of each page go to the report and test-results/.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { tapEventSchema } from '@signalbox/shared';
import { readDemoState } from './support/demo-state';

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

const section = (page: Page, label: string) => page.locator(`section[aria-label="${label}"]`);
const tapRows = (page: Page) => section(page, 'Tap').locator('tr.tap-row');
const received = async (page: Page) => Number(await section(page, 'Tap').locator('[data-count="received"]').first().innerText());

/** Waits until the tap table shows at least `n` requests. */
async function expectRows(rows: Locator, n: number): Promise<void> {
  await expect.poll(() => rows.count(), { message: `at least ${n} tap rows`, timeout: 45_000 }).toBeGreaterThanOrEqual(n);
}

test.describe('tap', () => {
  test.setTimeout(120_000);

  test('clicking a topology edge opens a tap of exactly that edge, streaming', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/namespaces/demo');
    const edge = section(page, 'Topology').locator('[data-edge="web>books"] .edge-line');
    await expect(edge).toBeVisible({ timeout: 90_000 });
    await edge.click();
    await expect(page).toHaveURL(/\/tap\?resource=deploy\/web&namespace=demo&to=deploy\/books$/);
    await expect(section(page, 'Tap').locator('.tap-status')).toHaveAttribute('data-state', 'streaming');
    await expectRows(tapRows(page), 3);
    for (const cell of await tapRows(page).locator('td[data-column="source"]').allInnerTexts()) expect(cell).toBe('web');
    for (const cell of await tapRows(page).locator('td[data-column="destination"]').allInnerTexts()) expect(cell).toBe('books');

    // A row opens to its request init, response init and response end, with headers.
    await tapRows(page).first().getByRole('button', { name: /Show details/ }).click();
    const detail = section(page, 'Tap').locator('tr.tap-detail').first();
    for (const part of ['Request init', 'Response init', 'Response end']) await expect(detail.getByRole('heading', { name: part })).toBeVisible();
    await expect(detail).toContainText(':authority');
    await expect(detail).toContainText(/Headers \(\d+\)/);
    await snap(page, testInfo, 'tap-edge');
  });

  test('the form filters by path, and the URL holds the query', async ({ page }, testInfo) => {
    await page.goto('/tap?resource=deploy/web&namespace=demo');
    await expectRows(tapRows(page), 1);
    const form = section(page, 'Tap query');
    await form.getByLabel('Path prefix').fill('/authors');
    await form.getByRole('button', { name: /^(Start|Restart)$/ }).click();
    await expect(page).toHaveURL(/[?&]path=\/authors(&|$)/);
    await expectRows(tapRows(page), 3);
    const paths = await tapRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path') ?? ''));
    expect(paths.every((p) => p.startsWith('/authors'))).toBe(true);
    // The link alone restores it.
    await page.reload();
    await expect(section(page, 'Tap query').getByLabel('Path prefix')).toHaveValue('/authors');
    await snap(page, testInfo, 'tap-path-filter');
  });

  test('pause keeps the buffer: rows freeze, events keep arriving, resume shows them', async ({ page }) => {
    await page.goto('/tap?resource=deploy/web&namespace=demo');
    const rows = tapRows(page);
    const scroller = section(page, 'Tap').locator('.tap-table-scroll');
    const total = async () => Number(await scroller.getAttribute('data-rows'));
    await expectRows(rows, 3);
    await section(page, 'Tap').getByRole('button', { name: 'Pause' }).click();
    const frozenKeys = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    const frozenTotal = await total();
    const before = await received(page);
    // Events keep coming in while paused, counted but not drawn.
    await expect.poll(() => received(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 6);
    await expect(section(page, 'Tap').locator('.tap-paused')).toContainText(/\d+ held/);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')))).toEqual(frozenKeys);
    expect(await total()).toBe(frozenTotal);

    await section(page, 'Tap').getByRole('button', { name: 'Resume' }).click();
    await expect(rows.first()).not.toHaveAttribute('data-key', frozenKeys[0] ?? '');
    expect(await total()).toBeGreaterThan(frozenTotal);
    // The rows seen before the pause are all still there, below the new ones (the oldest at the bottom).
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect(section(page, 'Tap').locator(`tr.tap-row[data-key="${frozenKeys.at(-1)}"]`)).toBeVisible();
  });

  test('export a capture as NDJSON, then load it (and a `signalbox tap -o json` capture) offline', async ({ page }, testInfo) => {
    await page.goto('/tap?resource=deploy/web&namespace=demo&to=deploy/books');
    await expectRows(tapRows(page), 5);
    await section(page, 'Tap').getByRole('button', { name: 'Stop' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), section(page, 'Tap').getByRole('button', { name: 'Export NDJSON' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^tap-demo-deploy-web-.*\.ndjson$/);
    const exported = testInfo.outputPath('capture.ndjson');
    await download.saveAs(exported);
    const lines = readFileSync(exported, 'utf8').trimEnd().split('\n');
    await expect.poll(() => received(page)).toBe(lines.length); // the counter redraws within 500 ms
    for (const line of lines) tapEventSchema.parse(JSON.parse(line));

    await page.goto('/tap');
    await loadCapture(page, exported);
    await expect(section(page, 'Tap').locator('.tap-loaded')).toHaveAttribute('data-events', String(lines.length));
    await expect(section(page, 'Tap').locator('.tap-status')).toHaveAttribute('data-state', 'file');
    await expectRows(tapRows(page), 2);
    await snap(page, testInfo, 'tap-loaded-capture');

    // The CLI's NDJSON loads the same way; a bad line is reported by number and the rest still loads.
    const cli = testInfo.outputPath('cli-capture.ndjson');
    const cliLines = await cliTap(['tap', 'deploy/web', '-n', 'demo', '--to', 'deploy/books', '-o', 'json'], 5_000);
    expect(cliLines.length).toBeGreaterThanOrEqual(3);
    writeFileSync(cli, [...cliLines, '{not json'].join('\n'));
    await loadCapture(page, cli);
    await expect(section(page, 'Tap').locator('.tap-loaded')).toHaveAttribute('data-events', String(cliLines.length));
    await expect(section(page, 'Tap').locator('.tap-loaded')).toContainText('1 line skipped');
    await expectRows(tapRows(page), 1);
  });

  test('is usable 390 px wide (only the table scrolls sideways)', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/tap?resource=deploy/web&namespace=demo');
    await expectRows(tapRows(page), 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await snap(page, testInfo, 'tap-390');
  });

  test('a refused tap says why and offers a restart', async ({ page }, testInfo) => {
    await page.goto('/tap?resource=deploy/ghost&namespace=demo');
    const banner = section(page, 'Tap').locator('.error-banner[data-kind="tap-ended"]');
    await expect(banner).toContainText('No such resource to tap');
    await expect(banner).toHaveAttribute('data-code', '1008');
    await expect(banner.getByRole('button', { name: 'Restart tap' })).toBeVisible();
    await snap(page, testInfo, 'tap-refused');
  });
});

test.describe('top and live calls', () => {
  test.setTimeout(120_000);

  test('top aggregates calls by source, destination, method and path, each with a tap link', async ({ page }, testInfo) => {
    await page.goto('/top?resource=deploy/web&namespace=demo');
    const rows = section(page, 'Live calls').locator('tbody tr[data-row]');
    await expect
      .poll(async () => Math.max(0, ...(await rows.locator('td[data-column="count"]').allInnerTexts()).map(Number)), { timeout: 45_000 })
      .toBeGreaterThan(1);
    const first = rows.first();
    await expect(first.locator('td[data-column="successRate"]')).toHaveText(/^\d{1,3}\.\d{2}%$/);
    await expect(first.locator('td[data-column="best"]')).toHaveText(/ ms$|^\d+(\.\d+)? s$/);
    const path = await first.locator('td[data-column="path"]').innerText();
    const link = first.getByRole('link', { name: /^Tap / });
    await expect(link).toHaveAttribute('href', new RegExp(`^/tap\\?resource=deploy/web&namespace=demo&method=\\w+&path=${path.replace(/[/.]/g, '\\$&')}$`));
    await snap(page, testInfo, 'top');
  });

  test('the detail page’s live calls table fills from tap', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/namespaces/demo/deployment/books');
    const live = section(page, 'Live calls');
    // Requests books' pods received (from web), aggregated per calling pod, method and path.
    await expect(live.locator('tbody tr[data-destination^="books-"]').first()).toBeVisible({ timeout: 45_000 });
    await live.scrollIntoViewIfNeeded();
    await snap(page, testInfo, 'deployment-live-calls');
  });

  test('live traffic animates requests along the topology’s edges when turned on', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/namespaces/demo');
    const topology = section(page, 'Topology');
    await expect(topology.locator('[data-edge="web>books"]')).toBeVisible({ timeout: 90_000 });
    await expect(topology.locator('.live-traffic')).toHaveCount(0); // off by default
    await topology.getByLabel('Live traffic').check();
    await expect(page).toHaveURL(/[?&]live=1(&|$)/);
    await expect.poll(async () => Number(await topology.locator('.live-traffic').getAttribute('data-dots')), { timeout: 30_000 }).toBeGreaterThan(3);
    await expect(topology.locator('.live-traffic circle').first()).toBeAttached();
    await snap(page, testInfo, 'topology-live-traffic');
  });
});

test.describe('Prometheus down', () => {
  test.setTimeout(180_000);

  test('stopped: the namespace page names the cause; resumed: it recovers by itself', async ({ page }, testInfo) => {
    const pid = readDemoState().pids.prometheus;
    expect(pid).toBeGreaterThan(0);
    await page.goto('/namespaces/demo');
    const deployments = section(page, 'Deployments');
    await expect(deployments.locator('tr[data-row="books"] td[data-column="rps"]')).not.toHaveText('-', { timeout: 90_000 });
    process.kill(pid as number, 'SIGSTOP');
    try {
      // The API gives up on Prometheus after its query timeout and says so; the page shows it with the cause.
      await expect(deployments.locator('.error-banner[data-kind="prometheus-unavailable"]')).toBeVisible({ timeout: 60_000 });
      await expect(deployments.locator('tr[data-row="books"]')).toBeVisible(); // last values stay
      await snap(page, testInfo, 'prometheus-down');
    } finally {
      process.kill(pid as number, 'SIGCONT');
    }
    await expect(page.locator('.error-banner')).toHaveCount(0, { timeout: 60_000 });
    await expect(deployments.locator('tr[data-row="books"] td[data-column="rps"]')).not.toHaveText('-');
  });
});

async function loadCapture(page: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), section(page, 'Tap').getByRole('button', { name: 'Load capture…' }).click()]);
  await chooser.setFiles(file);
}

/** Runs the CLI against the demo's API for `ms`, then interrupts it (by its PID) and returns its stdout lines. */
function cliTap(args: readonly string[], ms: number): Promise<string[]> {
  const cli = path.join(process.cwd(), 'apps', 'cli', 'dist', 'main.js');
  const child = spawn(process.execPath, [cli, ...args, '--api', readDemoState().apiUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGINT'), ms);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(out.split('\n').filter((l) => l.trim() !== ''));
    });
  });
}
