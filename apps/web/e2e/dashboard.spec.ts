// The dashboard against the running demo mesh (started by playwright.config.ts's webServer): real proxies, real
// traffic, a real Prometheus. Waits are auto-retrying assertions, never sleeps: metrics appear once Prometheus has
// scraped the proxies twice.
import { expect, test, type Locator, type Page } from '@playwright/test';

const PERCENT = /^\d{1,3}\.\d{2}%$/;
const LATENCY = /^\d+(\.\d+)? (ms|s)$/;

/** The namespace page has deployments, pods and services tables (books is a deployment and a service): the rows
 * here are the deployments', or the overview's namespaces. */
function table(page: Page): Locator {
  return page.locator('section[aria-label="Deployments"], section[aria-label="Namespaces"]');
}

function row(page: Page, name: string): Locator {
  return table(page).locator(`tr[data-row="${name}"]`);
}

function cell(page: Page, name: string, column: string): Locator {
  return row(page, name).locator(`td[data-column="${column}"]`);
}

/** The number in a cell ("4.5", "98.20%"), or NaN for "-". */
async function numberIn(locator: Locator): Promise<number> {
  const text = (await locator.innerText()).trim();
  return text === '-' ? Number.NaN : Number.parseFloat(text);
}

/** books: 2 replicas, ~10 % failures, called by web; its numbers show once traffic has flowed through Prometheus. */
async function expectBooksHasTraffic(page: Page): Promise<void> {
  await expect.poll(() => numberIn(cell(page, 'books', 'rps')), { message: 'books RPS > 0' }).toBeGreaterThan(0);
  await expect(cell(page, 'books', 'successRate')).toHaveText(PERCENT);
  for (const column of ['p50', 'p95', 'p99']) await expect(cell(page, 'books', column)).toHaveText(LATENCY);
}

test.describe('namespace page', () => {
  // The first test may run right after the demo starts, before Prometheus has two samples of every series.
  test.setTimeout(120_000);

  test('shows the demo deployments with live golden metrics', async ({ page }) => {
    await page.goto('/namespaces/demo');

    for (const name of ['authors', 'books', 'web']) await expect(row(page, name)).toBeVisible();
    await expect(cell(page, 'books', 'meshed')).toHaveText('2/2');

    await expect(async () => {
      await expectBooksHasTraffic(page);
    }).toPass({ timeout: 90_000 });

    const level = cell(page, 'books', 'successRate').locator('[data-level]');
    await expect(level).toHaveAttribute('data-level', /^(good|warning|poor)$/);
    await expect(page.locator('.error-banner')).toHaveCount(0);
  });

  test('keeps the metrics window in the URL', async ({ page }) => {
    await page.goto('/namespaces/demo');
    await expect(row(page, 'books')).toBeVisible();

    await page.getByLabel('Metrics window').selectOption('10m');
    await expect(page).toHaveURL(/[?&]window=10m(&|$)/);
    await expect(page.getByLabel('Metrics window')).toHaveValue('10m');
    await expect(table(page).locator('.live-status')).toContainText('Window 10m');
    await expectBooksHasTraffic(page);

    // The URL alone restores the view: a shared link opens on the same window.
    await page.goto('/namespaces/demo?window=10s');
    await expect(page.getByLabel('Metrics window')).toHaveValue('10s');
    await expect(row(page, 'books')).toBeVisible();
  });

  test('sorts by a column when its header is clicked', async ({ page }) => {
    await page.goto('/namespaces/demo');
    await expect(row(page, 'books')).toBeVisible();
    const rpsHeader = table(page).getByRole('columnheader', { name: /RPS/ });
    await rpsHeader.getByRole('button').click();
    await expect(rpsHeader).toHaveAttribute('aria-sort', 'descending');
    await rpsHeader.getByRole('button').click();
    await expect(rpsHeader).toHaveAttribute('aria-sort', 'ascending');
  });
});

test('overview lists the demo namespace and links to it', async ({ page }) => {
  await page.goto('/');
  const link = row(page, 'demo').getByRole('link', { name: 'demo' });
  await expect(link).toBeVisible();
  await expect(cell(page, 'demo', 'meshed')).toHaveText(/^\d+\/\d+$/);

  await link.click();
  await expect(page).toHaveURL(/\/namespaces\/demo(\?|$)/);
  await expect(row(page, 'books')).toBeVisible();
});
