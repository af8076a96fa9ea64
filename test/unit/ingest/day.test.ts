// The day of a JSON file computed while it streams by: the same day as parsing the whole text, for
// documents and newline-delimited records, whatever the chunk boundaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonDay } from '../../../runtime/ingest/day.js';

/** The day of `text` fed in chunks of `size` bytes; `whole` false forces streaming from the first byte. */
function day(text: string, size: number, whole = true, column = 'ts'): string | undefined {
  const scanner = new JsonDay(column, whole ? undefined : 0);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) scanner.push(bytes.subarray(i, i + size));
  return scanner.end();
}

function check(text: string, expected: string | undefined, column = 'ts'): void {
  for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
    assert.equal(day(text, size, true, column), expected, `whole, chunks of ${size}`);
    assert.equal(day(text, size, false, column), expected, `streamed, chunks of ${size}`);
  }
}

test('newline-delimited records: the earliest, malformed lines skipped', () => {
  check('{"ts":"2026-01-03T08:00:00Z"}\n{"ts":"2026-01-02T23:59:00-01:00"}\n', '2026-01-03');
  check('{"ts":"2026-05-02T00:00:00Z"}\r\nnot json\n{"ts":"2026-05-01T10:00:00Z","é":"ü€"}\n\n{"ts":1767225600}', '2026-01-01');
  check('{"at":"2026-05-02"}\n{"ts":"2026-05-01"}\n', '2026-05-02', 'at');
  check('{"id":1}\n', undefined);
});

test('a JSON array: records streamed one by one, strings with braces and nested values included', () => {
  const records = [
    { ts: '2026-03-05T00:00:00Z', note: 'a } in a string, and a \\" quote {' },
    { nested: { ts: '2020-01-01T00:00:00Z', list: [1, [2, { x: '}' }]] }, ts: '2026-03-04T09:30:00Z' },
    [{ ts: '2000-01-01T00:00:00Z' }],
    'text',
    7,
    { ts: '2026-03-06' },
  ];
  check(JSON.stringify(records), '2026-03-04');
  check(JSON.stringify(records, null, 2), '2026-03-04');
  check('  \n[]', undefined);
});

test('one JSON document spread over lines, when the file is small enough to parse whole', () => {
  assert.equal(day('{\n  "ts": "2026-07-01T00:00:00Z"\n}\n', 3), '2026-07-01');
});
