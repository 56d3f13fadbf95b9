// Integration tests run the api as built (dist/), as the demo does: build it first (incremental, fast when fresh).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@signalbox/launch';

export function buildWorkspace(workspace: 'apps/api' | 'apps/cli' | 'apps/proxy'): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', workspace], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}
