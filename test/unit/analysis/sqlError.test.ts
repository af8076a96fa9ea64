// DuckDB error messages read back into a kind, a message and an offset in the SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSqlError } from '../../../server/src/analysis/sqlError.js';

test('a binder error on the second line points at the unknown column, with candidates', () => {
  const sql = 'select id,\n  amout from t';
  const e = parseSqlError(sql, 'Binder Error: Referenced column "amout" not found in FROM clause!\nCandidate bindings: "t.amount", "id"\n\nLINE 2:   amout from t\n          ^');
  assert.equal(e.kind, 'Binder');
  assert.equal(e.offset, sql.indexOf('amout'));
  assert.deepEqual(e.unknownColumn, { name: 'amout', candidates: ['amount', 'id'] });
});

test('a long line shown as a window with "..." still maps to the right offset', () => {
  const sql = 'select ' + Array.from({ length: 40 }, (_, i) => `id as c${i}`).join(', ') + ', amout from t';
  const shown = '... c34, id as c35, id as c36, id as c37, id as c38, id as c39, amout from t';
  const caret = ' '.repeat('LINE 1: '.length + shown.indexOf('amout')) + '^';
  const e = parseSqlError(sql, `Binder Error: Referenced column "amout" not found in FROM clause!\n\nLINE 1: ${shown}\n${caret}`);
  assert.equal(e.offset, sql.indexOf('amout'));
});

test('a parser error from statement extraction keeps its kind; no caret gives no offset', () => {
  const e = parseSqlError('select from from', 'Failed to extract statements: Parser Error: syntax error at or near "from"\n\nLINE 1: select from from\n                    ^');
  assert.equal(e.kind, 'Parser');
  assert.equal(e.message, 'syntax error at or near "from"');
  assert.equal(e.offset, 12);
  assert.equal(parseSqlError('x', 'Catalog Error: Table with name t does not exist!').offset, undefined);
});

test('a qualified unknown column ("Table e does not have a column named") is an unknown column too', () => {
  const sql = 'select e.amout from t e';
  const e = parseSqlError(sql, 'Binder Error: Table "e" does not have a column named "amout"\n\nCandidate bindings: : "amount"\n\nLINE 1: select e.amout from t e\n               ^');
  assert.deepEqual(e.unknownColumn, { name: 'amout', candidates: ['amount'] });
  assert.equal(e.offset, 7);
});
