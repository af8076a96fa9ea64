// The sample event generator: same seed → same bytes, partitions by UTC day, the promised counts of
// duplicates and malformed records, and realistic skew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateSample, type SampleOptions, type SampleResult } from '../../../runtime/sample/generate.js';
import { Random } from '../../../runtime/sample/random.js';

async function generate(options: SampleOptions): Promise<{ dir: string; result: SampleResult; lines: Array<{ key: string; line: string }> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'medallion-sample-'));
  const result = await generateSample(dir, options);
  const lines = result.files.flatMap((key) => readFileSync(path.join(dir, key), 'utf8').split('\n').filter((l) => l !== '').map((line) => ({ key, line })));
  return { dir, result, lines };
}

function digest(dir: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(readFileSync(path.join(dir, f)));
  return h.digest('hex');
}

test('the same seed gives the same files, byte for byte; another seed gives others', async () => {
  const a = await generate({ events: 2000, seed: 7, days: 2, malformed: 4 });
  const b = await generate({ events: 2000, seed: 7, days: 2, malformed: 4 });
  const c = await generate({ events: 2000, seed: 8, days: 2, malformed: 4 });
  try {
    assert.deepEqual(a.result.files, b.result.files);
    assert.equal(digest(a.dir, a.result.files), digest(b.dir, b.result.files));
    assert.notEqual(digest(a.dir, a.result.files), digest(c.dir, c.result.files));
    assert.deepEqual(c.result.files, ['bronze/app_logs/year=2026/month=01/day=01/part-8-0000.json', 'bronze/app_logs/year=2026/month=01/day=02/part-8-0000.json']);
  } finally {
    for (const d of [a.dir, b.dir, c.dir]) rmSync(d, { recursive: true, force: true });
  }
});

test('records are events plus re-delivered duplicates; every malformed kind appears once', async () => {
  const { dir, result, lines } = await generate({ events: 3000, seed: 42, days: 3, malformed: 4 });
  try {
    assert.equal(lines.length, result.records);
    assert.equal(result.records, result.events + result.duplicates);
    assert.ok(result.duplicates > 0, 'some records are delivered twice');
    const parsed = lines.map((l) => {
      try {
        return JSON.parse(l.line) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    });
    assert.equal(parsed.filter((p) => p === undefined).length, 1, 'one truncated JSON line');
    const ok = parsed.filter((p): p is Record<string, unknown> => p !== undefined);
    assert.equal(ok.filter((p) => Number.isNaN(Date.parse(String(p.ts)))).length, 1, 'one impossible timestamp');
    assert.equal(ok.filter((p) => !('user_id' in p)).length, 1, 'one record without user_id');
    assert.equal(ok.filter((p) => typeof p.user_id === 'string').length, 1, 'one non-numeric user_id');
    // Duplicates repeat an event id exactly; otherwise ids are unique.
    const ids = ok.map((p) => String(p.event_id));
    assert.equal(new Set(ids).size, ids.length - result.duplicates);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each record lies in the UTC day of its partition, including local-offset timestamps', async () => {
  const { dir, lines } = await generate({ events: 4000, seed: 3, days: 3, start: '2026-03-30' });
  try {
    const days = new Set<string>();
    for (const { key, line } of lines) {
      const [, y, m, d] = /year=(\d{4})\/month=(\d{2})\/day=(\d{2})/.exec(key)!;
      const ts = String((JSON.parse(line) as { ts: string }).ts);
      assert.equal(new Date(ts).toISOString().slice(0, 10), `${y}-${m}-${d}`, `${ts} in ${key}`);
      days.add(`${y}-${m}-${d}`);
    }
    assert.deepEqual([...days].sort(), ['2026-03-30', '2026-03-31', '2026-04-01']);
    assert.ok(lines.some((l) => l.line.includes('+01:00')), 'some clients send a local offset');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('activity is skewed: the busiest user has many times the median user', async () => {
  const { dir, lines } = await generate({ events: 6000, seed: 11, days: 1 });
  try {
    const perUser = new Map<unknown, number>();
    for (const { line } of lines) {
      const u = (JSON.parse(line) as { user_id: unknown }).user_id;
      perUser.set(u, (perUser.get(u) ?? 0) + 1);
    }
    const counts = [...perUser.values()].sort((a, b) => a - b);
    assert.ok(counts[counts.length - 1] >= 5 * counts[Math.floor(counts.length / 2)], `max ${counts[counts.length - 1]}, median ${counts[Math.floor(counts.length / 2)]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('large days are split into parts of maxFileRecords lines', async () => {
  const { dir, result, lines } = await generate({ events: 500, seed: 1, days: 1, maxFileRecords: 200 });
  try {
    assert.equal(result.files.length, Math.ceil(result.records / 200));
    assert.ok(result.files.every((f, i) => f.endsWith(`part-1-000${i}.json`)));
    assert.equal(lines.length, result.records);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Random: one seed, one sequence; zipf stays in range and favours low ranks', () => {
  const a = new Random(5);
  const b = new Random(5);
  const seqA = Array.from({ length: 5 }, () => a.uint32());
  assert.deepEqual(seqA, Array.from({ length: 5 }, () => b.uint32()));
  assert.notDeepEqual(seqA, Array.from({ length: 5 }, () => new Random(6).uint32()));
  const r = new Random(9);
  const ranks = Array.from({ length: 10_000 }, () => r.zipf(100));
  assert.ok(ranks.every((x) => Number.isInteger(x) && x >= 0 && x < 100));
  assert.ok(ranks.filter((x) => x < 10).length > ranks.filter((x) => x >= 90).length * 5);
});

test('bad options are rejected with a clear message', async () => {
  await assert.rejects(generateSample(tmpdir(), { events: 10, start: '2026-13-01' }), /start must be a date/);
  await assert.rejects(generateSample(tmpdir(), { events: -1 }), /events must be a whole number/);
  await assert.rejects(generateSample(tmpdir(), { events: 1, days: 0 }), /days must be a whole number/);
});
