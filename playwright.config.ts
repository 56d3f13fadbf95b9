import { defineConfig } from '@playwright/test';
import { demoStateFile } from './apps/web/e2e/support/demo-state';

// End-to-end tests run against the whole demo mesh (control plane, proxies, services, traffic, a real Prometheus
// and the dashboard), started by the same launcher as `npm run demo`, on ports of their own so a demo the user
// left running does not collide. Debian's chromium: browsers cannot be downloaded on these machines.
const webPort = Number(process.env.E2E_WEB_PORT ?? 3110);

export default defineConfig({
  testDir: './apps/web/e2e',
  timeout: 60_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${webPort}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update'],
    },
  },
  webServer: {
    // --state-file: the PIDs and URLs the tap and error-state specs need (apps/web/e2e/support/demo-state.ts).
    command: `node examples/demo/dist/main.js --web-port=${webPort} --api-port=${webPort + 1} --prometheus-port=${webPort + 2} --state-file=${demoStateFile(webPort)}`,
    url: `http://127.0.0.1:${webPort}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
  },
});
