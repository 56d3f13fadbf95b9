// Waiting without bare sleeps: poll a condition with a bounded budget, and fail with the last reason.
import net from 'node:net';
import type { ManagedProcess } from './process.js';
import { logTail } from './process.js';

export interface EventuallyOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/** Retries `check` until it returns without throwing; rethrows its last error after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** Resolves when `url` answers 2xx; fails early, with its log, if `process` exits first. */
export async function waitForHttp(url: string, process?: ManagedProcess, timeoutMs = 30_000): Promise<void> {
  let exited: number | string | undefined;
  void process?.exited.then((code) => (exited = code));
  await eventually(
    async () => {
      if (exited !== undefined && process)
        throw new Error(`${process.name} exited (${exited}) before ${url} was ready:\n${logTail(process.logFile)}`);
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    },
    { timeoutMs, intervalMs: 100 },
  ).catch((err: unknown) => {
    if (exited !== undefined) throw err;
    throw new Error(`${url} not ready after ${timeoutMs} ms: ${(err as Error).message}`);
  });
}

/** Resolves when `addr` ("host:port") accepts a TCP connection: for servers that speak no HTTP/1 (gRPC, TCP). */
export async function waitForTcp(addr: string, process?: ManagedProcess, timeoutMs = 30_000): Promise<void> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
  let exited: number | string | undefined;
  void process?.exited.then((code) => (exited = code));
  await eventually(
    () => {
      if (exited !== undefined && process)
        throw new Error(`${process.name} exited (${exited}) before ${addr} accepted:\n${logTail(process.logFile)}`);
      return new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, host, () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
    },
    { timeoutMs, intervalMs: 100 },
  );
}
