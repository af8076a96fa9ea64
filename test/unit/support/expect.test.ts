// The inline snapshot mechanism (test/support/expect.ts): comparison ignores the indentation a
// snapshot takes from the code around it; UPDATE_EXPECT=1 rewrites a wrong snapshot in its test file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expectText, normalize } from '../../support/expect.js';

test('normalize: common indentation, blank edge lines and line-end spaces do not count', () => {
  assert.equal(normalize('\n    a  \n      b\n\n    c\n  '), 'a\n  b\n\nc');
  assert.equal(normalize(''), '');
  assert.doesNotThrow(() => expectText('x\n  y', `
    x
      y
  `));
  assert.throws(() => expectText('x', 'y'), /snapshot differs/);
});

function runNode(file: string, update: boolean): { status: number | null; output: string } {
  // Without the parent runner's context, so the child reports its own failures in its exit code.
  const env: NodeJS.ProcessEnv = { ...process.env, UPDATE_EXPECT: update ? '1' : '' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { env, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test('UPDATE_EXPECT=1 rewrites each wrong snapshot in place, indented with its call, escaping what a template literal needs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'expect-'));
  try {
    const file = join(dir, 'sample.test.ts');
    const expect = pathToFileURL(join(__dirname, '../../support/expect.ts')).href;
    writeFileSync(join(dir, 'check.ts'), [
      `import { expectText } from '${expect}';`,
      'export function check(actual: string, expected: string, _options = {}): void { expectText(actual, expected); }',
    ].join('\n'));
    writeFileSync(file, [
      `import { test } from 'node:test';`,
      `import { check } from './check.ts';`,
      'function local(expected: string): void { check(String(1 + 1), expected); }',
      `test('a', () => {`,
      '  local(`1`);',
      '  check("one\\ntwo `${x}` \\\\", `old`, { limit: 1 });',
      '  if (true) {',
      '    check("single", ``);',
      '    check("kept", `kept`);',
      '  }',
      '});',
      '',
    ].join('\n'));
    assert.notEqual(runNode(file, false).status, 0, 'wrong snapshots fail without UPDATE_EXPECT');
    const updated = runNode(file, true);
    assert.equal(updated.status, 0, updated.output);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes('  check("one\\ntwo `${x}` \\\\", `\n    one\n    two \\`\\${x}\\` \\\\\n  `, { limit: 1 });'), text);
    assert.ok(text.includes('    check("single", `single`);'), text);
    assert.ok(text.includes('    check("kept", `kept`);'), text);
    assert.ok(text.includes('  local(`2`);'), 'a helper in the test file is passed over for the call that holds the snapshot');
    const again = runNode(file, false);
    assert.equal(again.status, 0, again.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
