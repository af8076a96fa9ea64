// The cursor context of a SQL template and the aliases in scope, read from text alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aliases, templateContext } from '../../../server/src/analysis/context.js';

function at(marked: string): ReturnType<typeof templateContext> {
  const offset = marked.indexOf('$0');
  return templateContext(marked.replace('$0', ''), offset);
}

test('inside ref() quotes, the model name typed so far is replaced', () => {
  const ctx = at("select * from {{ ref('ord$0') }}");
  assert.equal(ctx.kind, 'ref');
  assert.deepEqual((ctx as { range: unknown }).range, { start: 22, end: 25 });
});

test('source() first and second arguments', () => {
  assert.equal(at("from {{ source('$0') }}").kind, 'source');
  const table = at("from {{ source('bronze', 'app$0') }}");
  assert.deepEqual(table.kind === 'sourceTable' && table.source, 'bronze');
});

test('config() keys and values', () => {
  assert.equal(at('{{ config(mat$0) }}').kind, 'configKey');
  const value = at("{{ config(materialized='inc$0') }}");
  assert.equal(value.kind === 'configValue' && value.key, 'materialized');
  const listValue = at("{{ config(unique_key=['id', '$0']) }}");
  assert.equal(listValue.kind === 'configValue' && listValue.key, 'unique_key');
});

test('Jinja expression, statement and comment', () => {
  const expr = at('{{ is_$0 }}');
  assert.equal(expr.kind === 'jinja' && expr.statement, false);
  const stmt = at('{% if$0 %}');
  assert.equal(stmt.kind === 'jinja' && stmt.statement, true);
  assert.equal(at('{# ref($0 #}').kind, 'comment');
  assert.equal(at('select 1 -- e.$0').kind, 'comment');
});

test('SQL: qualifier after alias-dot, and select list detection', () => {
  const qualified = at('select e.us$0 from x e');
  assert.equal(qualified.kind === 'sql' && qualified.qualifier, 'e');
  const list = at('select $0 from x');
  assert.equal(list.kind === 'sql' && list.inSelectList, true);
  const where = at('select a from x where $0');
  assert.equal(where.kind === 'sql' && where.inSelectList, false);
});

test('aliases: refs and sources with and without AS, and CTEs reading them', () => {
  const text = [
    'with base as (select * from {{ source("bronze", "app_logs") }}),',
    "users as (select * from {{ ref('users') }} u)",
    "select * from base b join {{ ref('events') }} as e on true join users where 1",
  ].join('\n');
  const scope = aliases(text);
  assert.deepEqual(scope.get('e'), { kind: 'ref', name: 'events' });
  assert.deepEqual(scope.get('u'), { kind: 'ref', name: 'users' });
  assert.deepEqual(scope.get('b'), { kind: 'cte', name: 'base', targets: [{ kind: 'source', source: 'bronze', table: 'app_logs' }] });
  assert.equal(scope.get('users')?.kind, 'cte');
  assert.equal(scope.has('where'), false);
});
