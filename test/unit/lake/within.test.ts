// Where a path really leads (within.ts), on the real disk: through a symlink, past a missing tail,
// under a regular file, and into a dangling link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { realInside, realTarget } from '../../../runtime/lake/within.js';

function tree(t: { after: (fn: () => void) => void }): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'medallion-within-')));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'lake'));
  mkdirSync(path.join(root, 'outside'));
  writeFileSync(path.join(root, 'lake', 'file'), 'x');
  symlinkSync(path.join(root, 'outside'), path.join(root, 'lake', 'link'));
  symlinkSync(path.join(root, 'nowhere'), path.join(root, 'lake', 'dangling'));
  return root;
}

test('a missing tail is appended to the real path of its deepest existing ancestor', async (t) => {
  const root = tree(t);
  assert.equal(await realTarget(path.join(root, 'lake', 'link', 'new', 'a.json')), path.join(root, 'outside', 'new', 'a.json'));
  assert.equal(await realTarget(path.join(root, 'lake', 'missing', 'a.json')), path.join(root, 'lake', 'missing', 'a.json'));
});

test('a path under a regular file walks up to the file instead of throwing', async (t) => {
  const root = tree(t);
  assert.equal(await realTarget(path.join(root, 'lake', 'file', 'sub', 'a.json')), path.join(root, 'lake', 'file', 'sub', 'a.json'));
});

test('a dangling symlink on the way has no real target, and a link out is not inside', async (t) => {
  const root = tree(t);
  assert.equal(await realTarget(path.join(root, 'lake', 'dangling', 'a.json')), undefined);
  assert.equal(await realInside(path.join(root, 'lake'), path.join(root, 'lake', 'dangling', 'a.json')), false);
  assert.equal(await realInside(path.join(root, 'lake'), path.join(root, 'lake', 'link', 'a.json')), false);
  assert.equal(await realInside(path.join(root, 'lake'), path.join(root, 'lake', 'missing', 'a.json')), true);
});
