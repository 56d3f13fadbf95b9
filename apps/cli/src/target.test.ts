import { describe, expect, it } from 'vitest';
import { parseStatTarget } from './target.js';

describe('parseStatTarget', () => {
  it.each([
    ['deploy', undefined, { kind: 'deployment', name: undefined }],
    ['deployments', undefined, { kind: 'deployment', name: undefined }],
    ['deploy/books', undefined, { kind: 'deployment', name: 'books' }],
    ['deploy', 'books', { kind: 'deployment', name: 'books' }],
    ['po/books-1', undefined, { kind: 'pod', name: 'books-1' }],
    ['ns', undefined, { kind: 'namespace', name: undefined }],
    ['NS', 'demo', { kind: 'namespace', name: 'demo' }],
    ['svc/books', undefined, { kind: 'service', name: 'books' }],
    ['sts/db', undefined, { kind: 'statefulset', name: 'db' }],
    ['daemonsets', undefined, { kind: 'daemonset', name: undefined }],
  ])('%s %s', (resource, name, expected) => {
    expect(parseStatTarget(resource, name)).toEqual(expected);
  });

  it.each([
    ['rc', undefined, /unknown resource kind "rc": use deploy, sts, ds, po, svc or ns/],
    ['deploy/a/b', undefined, /expected <kind> or <kind>\/<name>/],
    ['deploy/a', 'b', /name given twice/],
    ['deploy', 'Bad_Name', /not a resource name/],
  ])('refuses %s %s', (resource, name, message) => {
    const result = parseStatTarget(resource, name);
    expect('error' in result && result.error).toMatch(message);
  });
});
