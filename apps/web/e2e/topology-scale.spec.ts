// A measurement, not a pass/fail timing test: a synthetic 500-workload / 1 500-edge mesh laid out and painted, then
// one wheel zoom. The figures are attached as annotations and printed for the record (docs/architecture.md).
import { expect, test } from '@playwright/test';

test('topology at 500 nodes / 1 500 edges: settle time and zoom frame', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/bench/topology?nodes=500&edges=1500');
  await page.getByRole('button', { name: 'Render' }).click();
  const figures = page.locator('.bench-figures');
  await expect(figures).toBeVisible({ timeout: 30_000 });
  const settleMs = Number(await figures.getAttribute('data-settle-ms'));
  const layoutMs = Number(await figures.getAttribute('data-layout-ms'));
  await expect(page.locator('svg.topology-svg')).toHaveAttribute('data-nodes', '500');
  await expect(page.locator('svg.topology-svg')).toHaveAttribute('data-edges', '1500');

  // Interactive: a wheel zoom re-renders 2 000 elements; time until the next painted frame.
  const box = (await page.locator('svg.topology-svg').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const zoomFrameMs = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const svg = document.querySelector('svg.topology-svg')!;
        const t0 = performance.now();
        svg.dispatchEvent(new WheelEvent('wheel', { deltaY: -200, clientX: 600, clientY: 400, bubbles: true, cancelable: true }));
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      }),
  );
  const path = testInfo.outputPath('topology-500.png');
  await page.screenshot({ path });
  await testInfo.attach('topology-500', { path, contentType: 'image/png' });
  for (const [type, value] of Object.entries({ settleMs, layoutMs, zoomFrameMs }))
    testInfo.annotations.push({ type, description: value.toFixed(0) });
  console.log(`topology 500/1500: settled and painted in ${settleMs} ms (layout ${layoutMs} ms); wheel zoom frame ${zoomFrameMs.toFixed(0)} ms`);
  expect(settleMs).toBeGreaterThan(0);
});
