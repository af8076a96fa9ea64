// PatchedMap: a map read as another with values replaced, the base never changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchedMap } from '../../../server/src/analysis/patchedMap.js';

test('reads as the base with the replaced values, in the base order; the base and earlier patches stay as they were', () => {
  const base = new Map([['a', 1], ['b', 2], ['c', 3]]);
  const one = PatchedMap.replace(base, 'b', 20);
  const two = PatchedMap.replace(one, 'c', 30);
  assert.deepEqual([...two], [['a', 1], ['b', 20], ['c', 30]]);
  assert.deepEqual([...two.values()], [1, 20, 30]);
  assert.deepEqual([...two.keys()], ['a', 'b', 'c']);
  assert.deepEqual([...new Map(two)], [['a', 1], ['b', 20], ['c', 30]], 'copied as a Map of the patched entries');
  assert.equal(two.get('b'), 20);
  assert.equal(two.has('c'), true);
  assert.equal(two.has('z'), false);
  assert.equal(two.size, 3);
  const seen: string[] = [];
  two.forEach((v, k) => seen.push(`${k}=${v}`));
  assert.deepEqual(seen, ['a=1', 'b=20', 'c=30']);
  assert.deepEqual([...one], [['a', 1], ['b', 20], ['c', 3]]);
  assert.deepEqual([...base], [['a', 1], ['b', 2], ['c', 3]]);
});

test('is read-only, and only replaces keys the map has', () => {
  const patched = PatchedMap.replace(new Map([['a', 1]]), 'a', 2);
  assert.throws(() => patched.set('a', 3), /read-only/);
  assert.throws(() => patched.delete('a'), /read-only/);
  assert.throws(() => PatchedMap.replace(patched, 'new', 1), /must be in the map/);
});
