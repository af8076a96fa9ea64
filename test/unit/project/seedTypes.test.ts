// Seed type inference by dbt's rules (agate's TypeTester as dbt-core configures it, dbt-duckdb's type
// names), and seed parse errors positioned on their line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSeed } from '../../../runtime/project/seedTypes.js';

function types(csv: string, delimiter?: string): Record<string, string> {
  const read = readSeed('seeds/s.csv', csv, delimiter);
  assert.deepEqual(read.diagnostics, []);
  return Object.fromEntries(read.value.columns.map((c) => [c.name, c.type]));
}

const column = (...values: string[]): string => types(`x\n${values.join('\n')}\n`).x;

test('numbers: whole ones are INTEGER (BIGINT past its range), any fractional digit makes DOUBLE', () => {
  assert.equal(column('1', '-2', '+3'), 'INTEGER');
  assert.equal(column('1.0', '2.50'), 'DOUBLE');
  // Decimal.normalize drops trailing zeros: 1.0 and 2.00 have no fractional digit, as in dbt.
  assert.equal(column('1.0', '2.00'), 'INTEGER');
  assert.equal(column('1e3', '2E2'), 'INTEGER');
  assert.equal(column('1', '3000000000'), 'BIGINT');
  assert.equal(column('1', 'NaN'), 'DOUBLE');
  // agate strips currency symbols, percent signs and the group separator.
  assert.equal(column('$1', '€2', '-£3', '4%'), 'INTEGER');
  assert.equal(column('"1,234.5"'), 'DOUBLE');
  // A leading zero does not make text: 01234 is the number 1234 in dbt.
  assert.equal(column('01234', '00042'), 'INTEGER');
});

test("dates and datetimes: strptime's formats and ISO 8601 with a T; anything else is text", () => {
  assert.equal(column('2024-01-02', '2024-1-3'), 'DATE');
  assert.equal(column('2024-02-30'), 'VARCHAR');
  assert.equal(column('2024-01-02 09:30:00', '2024-01-03 9:05:07'), 'TIMESTAMP');
  assert.equal(column('2024-01-02T09:30:00Z', '2024-01-02T09:30:00.123+02:00', '2024-01-02T09:30'), 'TIMESTAMP');
  // A date and a datetime in one column match no single type before text.
  assert.equal(column('2024-01-02', '2024-01-02 09:30:00'), 'VARCHAR');
  assert.equal(column('2024-01-02 09:30:00.5'), 'VARCHAR');
  assert.equal(column('09:30', '10:45'), 'VARCHAR');
  assert.equal(column('01/02/2024'), 'VARCHAR');
});

test('booleans are true/false in any case; 1/0 are numbers; nulls are "" and "null" and fit any type', () => {
  assert.equal(column('true', 'FALSE', 'True'), 'BOOLEAN');
  assert.equal(column('yes', 'no'), 'VARCHAR');
  assert.equal(column('1', '0'), 'INTEGER');
  assert.equal(column('true', 'null', ''), 'BOOLEAN');
  assert.equal(column('', 'NULL'), 'INTEGER');
  assert.deepEqual(types('a,b\n'), { a: 'INTEGER', b: 'INTEGER' });
});

test('header names: quoted, a custom delimiter, blanks named by their letter, repeats numbered', () => {
  assert.deepEqual(types('"code","name, long"\nA,"x, y"\n'), { code: 'VARCHAR', 'name, long': 'VARCHAR' });
  assert.deepEqual(types('id;amount\n1;2.5\n', ';'), { id: 'INTEGER', amount: 'DOUBLE' });
  assert.deepEqual(Object.keys(types('id,,id\n1,2,3\n')), ['id', 'b', 'id_2']);
});

test('a ragged row and an unterminated quote are errors on their line; blank lines are skipped', () => {
  const csv = 'a,b\n1,2\n\n3\n4,5,6\n';
  const ragged = readSeed('seeds/s.csv', csv);
  assert.deepEqual(ragged.diagnostics.map((d) => [d.message, csv.slice(d.range.start, d.range.end)]), [
    ['seeds/s.csv:4: this row has 1 values but the header has 2', '3'],
    ['seeds/s.csv:5: this row has 3 values but the header has 2', '4,5,6'],
  ]);
  const open = readSeed('seeds/s.csv', 'a,b\n1,"2\n3,4\n');
  assert.equal(open.diagnostics.length, 1);
  assert.match(open.diagnostics[0].message, /^seeds\/s\.csv: a quote opened on line \d is never closed$/);
  assert.deepEqual(readSeed('seeds/s.csv', '').diagnostics.map((d) => d.code), ['seed-no-header']);
});
