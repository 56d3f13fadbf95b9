// Which review a token gets: bound to our audience → reviewed with it; anything else → no audience (Linkerd's fallback).
import { describe, expect, it } from 'vitest';
import { tokenAudiences } from './validator-tokenreview.js';

const jwt = (claims: unknown) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

describe('tokenAudiences', () => {
  it.each([
    ['an audience list', jwt({ aud: ['identity.signalbox.io', 'x'] }), ['identity.signalbox.io', 'x']],
    ['a single audience', jwt({ aud: 'identity.signalbox.io' }), ['identity.signalbox.io']],
    ['a legacy token without aud', jwt({ sub: 'system:serviceaccount:demo:web' }), []],
    ['not a JWT', 'opaque-token-value', []],
    ['a payload that is not JSON', 'h.bm90IGpzb24.s', []],
    ['non-string audiences', jwt({ aud: [1, 'a'] }), ['a']],
  ])('%s', (_what, token, expected) => {
    expect(tokenAudiences(token)).toEqual(expected);
  });
});
