// Inline text snapshots: a test states the text it expects as the last template literal argument of
// a `check…(…)` call. With UPDATE_EXPECT=1 a mismatch does not fail: the literal is rewritten in the
// test source, in place, when the test process exits (as rust-analyzer's expect-test does).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type ts from 'typescript';

/** The TypeScript parser, loaded only when a snapshot is rewritten (every test file would pay for it otherwise). */
function typescript(): typeof ts {
  return createRequire(__filename)('typescript') as typeof ts;
}

interface Frame {
  file: string;
  line: number;
  column: number;
}

/** A snapshot to rewrite: the test-file frames of the stack (innermost first) and the new text. */
interface Update {
  frames: Frame[];
  text: string;
}

const updates: Update[] = [];

/**
 * Asserts `actual` is the `expected` snapshot. Both are compared after removing their common
 * indentation, blank first and last lines and spaces at line ends, so a snapshot can be indented
 * with the code around it.
 */
export function expectText(actual: string, expected: string): void {
  const got = normalize(actual);
  if (got === normalize(expected)) return;
  if (process.env.UPDATE_EXPECT !== '1') {
    assert.equal(got, normalize(expected), 'snapshot differs (run with UPDATE_EXPECT=1 to rewrite it)');
    return;
  }
  const frames = testFileFrames();
  if (frames.length === 0) assert.fail('UPDATE_EXPECT=1: no *.test.ts frame on the stack to rewrite');
  if (updates.length === 0) process.once('exit', writeUpdates);
  updates.push({ frames, text: got });
}

export function normalize(text: string): string {
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

/** The stack frames in test files, innermost first: one of them is the `check…` call with the snapshot. */
function testFileFrames(): Frame[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames: Frame[] = [];
  for (const frame of stack.split('\n')) {
    const m = /\(?((?:file:\/\/)?[^\s()]+\.test\.ts):(\d+):(\d+)\)?$/.exec(frame.trim());
    if (m) frames.push({ file: m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1], line: Number(m[2]), column: Number(m[3]) });
  }
  return frames;
}

/**
 * Rewrites each snapshot at the innermost test-file frame whose line starts a call with a template
 * literal argument (a helper in the test file that passes `expected` on is skipped that way).
 */
function writeUpdates(): void {
  const { createSourceFile, ScriptTarget } = typescript();
  const sources = new Map<string, { text: string; tree: ts.SourceFile; edits: Map<number, { end: number; text: string }> }>();
  const parsed = (file: string) => {
    let entry = sources.get(file);
    if (!entry) {
      const text = readFileSync(file, 'utf8');
      entry = { text, tree: createSourceFile(file, text, ScriptTarget.Latest, true), edits: new Map() };
      sources.set(file, entry);
    }
    return entry;
  };
  for (const u of updates) {
    const found = u.frames.map((f) => ({ entry: parsed(f.file), literal: snapshotLiteral(parsed(f.file).tree, f.line - 1, f.column - 1) })).find((c) => c.literal);
    if (!found?.literal) {
      console.error(`UPDATE_EXPECT: no check call with a template literal at ${u.frames.map((f) => `${f.file}:${f.line}:${f.column}`).join(', ')}`);
      continue;
    }
    const start = found.literal.getStart();
    found.entry.edits.set(start, { end: found.literal.end, text: render(u.text, lineIndent(found.entry.text, start)) });
  }
  for (const [file, { text, edits }] of sources) {
    if (edits.size === 0) continue;
    let out = text;
    for (const [start, e] of [...edits].sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + e.text + out.slice(e.end);
    writeFileSync(file, out);
    console.error(`UPDATE_EXPECT: rewrote ${edits.size} snapshot(s) in ${file}`);
  }
}

/** The last template literal argument of the call starting on `line` nearest `column`. */
function snapshotLiteral(tree: ts.SourceFile, line: number, column: number): ts.Node | undefined {
  const { forEachChild, isCallExpression, isTemplateLiteral } = typescript();
  let best: { node: ts.Node; distance: number } | undefined;
  const visit = (node: ts.Node): void => {
    if (isCallExpression(node)) {
      const last = node.arguments.filter((a) => isTemplateLiteral(a)).pop();
      const start = tree.getLineAndCharacterOfPosition(node.getStart());
      if (last && start.line === line) {
        const distance = Math.abs(start.character - column);
        if (!best || distance < best.distance) best = { node: last, distance };
      }
    }
    forEachChild(node, visit);
  };
  visit(tree);
  return best?.node;
}

function lineIndent(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))![0];
}

/** The snapshot as a template literal: one line inline, more lines indented one step past the call. */
function render(text: string, indent: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  if (!escaped.includes('\n')) return `\`${escaped}\``;
  const body = escaped.split('\n').map((l) => (l === '' ? '' : `${indent}  ${l}`)).join('\n');
  return `\`\n${body}\n${indent}\``;
}
