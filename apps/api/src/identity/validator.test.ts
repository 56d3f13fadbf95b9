// The static token validator: a token proves the identity of the pods it belongs to, and nothing else.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Registry } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { createStaticTokenValidator, resolveTokenRef } from './validator.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-tokens-'));
writeFileSync(path.join(dir, 'web-0'), 'web-token-from-a-file\n');

const pod = (name: string, serviceAccount: string, identityToken?: Registry['namespaces'][number]['pods'][number]['identityToken']) => ({
  name,
  deployment: name.replace(/-\d+$/, ''),
  serviceAccount,
  app: `127.0.0.1:${7000 + name.length}`,
  ...(identityToken ? { identityToken } : {}),
});

const registry: Registry = {
  namespaces: [
    {
      name: 'demo',
      pods: [
        pod('books-0', 'books', { value: 'books-token-0000000' }),
        pod('books-1', 'books', { value: 'books-token-1111111' }),
        pod('web-0', 'web', { file: path.join(dir, 'web-0') }),
        pod('authors-0', 'authors', { env: 'SB_TEST_AUTHORS_TOKEN' }),
        pod('gone-0', 'gone', { file: path.join(dir, 'missing') }),
        pod('plain-0', 'plain'),
      ],
      services: [],
    },
    { name: 'other', pods: [pod('books-0', 'books', { value: 'other-books-token00' })], services: [] },
  ],
};

const id = (sa: string, ns = 'demo') => `${sa}.${ns}.serviceaccount.identity.signalbox.cluster.local`;

describe('createStaticTokenValidator', () => {
  const warnings: string[] = [];
  const validator = createStaticTokenValidator({
    registry: () => registry,
    resolve: (ref) => resolveTokenRef(ref, { SB_TEST_AUTHORS_TOKEN: 'authors-token-from-env' }),
    warn: (m) => warnings.push(m),
  });

  it.each([
    ['an inline token', id('books'), 'books-token-0000000', { ok: true }],
    ["another replica's token: same serviceaccount", id('books'), 'books-token-1111111', { ok: true }],
    ['a file token (trailing newline trimmed)', id('web'), 'web-token-from-a-file', { ok: true }],
    ['an environment token', id('authors'), 'authors-token-from-env', { ok: true }],
    ['a namespace-scoped token', id('books', 'other'), 'other-books-token00', { ok: true }],
    ['a token of another serviceaccount', id('web'), 'books-token-0000000', { ok: false, reason: 'wrong-identity' }],
    ['a token of the same serviceaccount in another namespace', id('books'), 'other-books-token00', { ok: false, reason: 'wrong-identity' }],
    ['an unknown token', id('books'), 'nobody-has-this-token', { ok: false, reason: 'unknown-token' }],
    ['a prefix of a real token', id('books'), 'books-token-000000', { ok: false, reason: 'unknown-token' }],
    ['an empty token', id('books'), '', { ok: false, reason: 'unknown-token' }],
    ['an unset variable', id('authors'), '', { ok: false, reason: 'unknown-token' }],
    ['another trust domain', 'books.demo.serviceaccount.identity.signalbox.example.org', 'books-token-0000000', { ok: false, reason: 'wrong-identity' }],
  ])('%s', async (_what, identity, token, expected) => {
    expect(await validator.validate(identity, token)).toMatchObject(expected);
  });

  it('warns about unreadable references without their values, and never puts a token in a message', async () => {
    const result = await validator.validate(id('web'), 'books-token-0000000');
    expect(warnings.join('\n')).toMatch(/demo\/gone-0 \(file .*missing\) cannot be read: ENOENT/);
    expect(JSON.stringify(result) + warnings.join('')).not.toMatch(/token-0000000|from-a-file|from-env/);
  });
});
