import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  it('uses Linkerd-like defaults', () => {
    expect(parseConfig([], {})).toMatchObject({
      outbound: '127.0.0.1:4140',
      inbound: '127.0.0.1:4143',
      admin: '127.0.0.1:4191',
      app: '127.0.0.1:8080',
      controlPlane: 'http://127.0.0.1:8085',
      failfastTimeout: 3000,
      connectTimeout: 1000,
      shutdownGrace: 30_000,
    });
  });

  it('lets flags win over env, in both flag spellings', () => {
    const c = parseConfig(['--inbound=127.0.0.1:1', '--failfast-timeout', '50'], {
      SIGNALBOX_INBOUND_ADDR: '127.0.0.1:2',
      SIGNALBOX_APP_ADDR: '127.0.0.1:3',
    });
    expect([c.inbound, c.app, c.failfastTimeout]).toEqual(['127.0.0.1:1', '127.0.0.1:3', 50]);
  });

  it.each([
    [['--inbound=nonsense'], '--inbound'],
    [['--failfast-timeout=-3'], '--failfast-timeout'],
    [['--control-plane=ftp://x'], '--control-plane'],
    [['--bogus=1'], '--bogus'],
    [['--admin'], '--admin'],
  ])('rejects %j naming %s', (argv, flag) => {
    expect(() => parseConfig(argv, {})).toThrow(flag);
  });
});
