// curl as a real, independent HTTP client (Debian's /usr/bin/curl): proxying (-x), CONNECT tunnels
// (--proxytunnel), Expect: 100-continue. Runs with a bounded time and never reads ~/.curlrc.
import { execFile } from 'node:child_process';

export interface CurlResult {
  /** curl's exit code (0 ok; 18 partial file, 52 empty reply, 56 recv failure…). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function curl(args: readonly string[], maxTimeS = 20): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('/usr/bin/curl', ['-q', '--silent', '--show-error', '--max-time', String(maxTimeS), ...args], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
