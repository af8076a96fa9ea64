// Source freshness in schema YAML and pipeline.yml: loaded_at_field and freshness at source and table
// level merged as dbt-core 1.10 merges them, `freshness: null` turning it off, and positioned errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshnessStatus } from '../../../runtime/project/freshness.js';
import { parsePipelineConfig } from '../../../runtime/project/projectConfig.js';
import { parseSchemaFile } from '../../../runtime/project/schemaFile.js';

function freshnessOf(yaml: string): Record<string, unknown> {
  const parsed = parseSchemaFile('models/sources.yml', yaml);
  assert.deepEqual(parsed.diagnostics.map((d) => `${yaml.slice(d.range.start, d.range.end)}: ${d.message}`), ['error_after: error_after without both count and period is ignored (dbt keeps the inherited one)']);
  return Object.fromEntries(parsed.value.sources.map((s) => [s.table, s.freshness ?? 'none']));
}

test('a table inherits the source freshness, overrides it field by field, and null turns it off', () => {
  const got = freshnessOf(`
version: 2
sources:
  - name: shop
    loaded_at_field: _loaded_at
    freshness:
      warn_after: {count: 12, period: hour}
      error_after: {count: 1, period: day}
      filter: "id > 0"
    tables:
      - name: inherits
      - name: overrides_warn
        freshness:
          warn_after: {count: 30, period: minute}
      - name: overrides_count
        loaded_at_field: "updated_at::timestamp"
        config:
          freshness:
            error_after: {count: 3}
      - name: off
        freshness: null
      - name: no_warn
        freshness:
          warn_after: null
      - name: no_field
        loaded_at_field: null
  - name: plain
    tables:
      - name: nothing
      - name: own
        freshness: {error_after: {count: 2, period: day}}
  - name: switched_off
    freshness: null
    tables:
      - name: stays_off
      - name: turned_on
        freshness: {warn_after: {count: 1, period: hour}}
`);
  const shopThreshold = { warnAfter: { count: 12, period: 'hour' }, errorAfter: { count: 1, period: 'day' }, filter: 'id > 0' };
  assert.deepEqual(got, {
    inherits: { loadedAtField: '_loaded_at', threshold: shopThreshold },
    overrides_warn: { loadedAtField: '_loaded_at', threshold: { ...shopThreshold, warnAfter: { count: 30, period: 'minute' } } },
    overrides_count: { loadedAtField: 'updated_at::timestamp', threshold: shopThreshold },
    off: { loadedAtField: '_loaded_at' },
    no_warn: { loadedAtField: '_loaded_at', threshold: { ...shopThreshold, warnAfter: null } },
    no_field: { threshold: shopThreshold },
    nothing: 'none',
    own: { threshold: { warnAfter: {}, errorAfter: { count: 2, period: 'day' } } },
    stays_off: 'none',
    turned_on: { threshold: { warnAfter: { count: 1, period: 'hour' }, errorAfter: {} } },
  });
});

test('bad freshness is a positioned error, and the rest of the file is still read', () => {
  const yaml = `
version: 2
sources:
  - name: shop
    loaded_at_field: _loaded_at
    freshness:
      warn_after: {count: 12, period: hours}
      error_after: {count: many, period: day}
      stale_after: {count: 1, period: day}
    tables:
      - name: orders
      - name: items
        freshness: yes please
`;
  const parsed = parseSchemaFile('models/sources.yml', yaml);
  const at = parsed.diagnostics.map((d) => `${yaml.slice(d.range.start, d.range.end)}: ${d.message}`);
  assert.deepEqual(at, [
    "stale_after: Unknown freshness key 'stale_after': expected warn_after, error_after or filter",
    'hours: Unknown warn_after period "hours": expected minute, hour or day',
    'many: error_after count must be a whole number, not "many"',
    "yes please: 'freshness' must be a map with warn_after, error_after and filter (or null to turn it off)",
  ]);
  assert.ok(parsed.diagnostics.every((d) => d.severity === 'error' && d.code === 'bad-freshness'));
  assert.deepEqual(parsed.value.sources.map((s) => s.table), ['orders', 'items']);
  assert.equal(parsed.value.sources[0].freshness?.loadedAtField, '_loaded_at');
});

test('a pipeline.yml source reads loaded_at_field and freshness; a bad period is an error at the period', () => {
  const text = `name: web
sources:
  app_logs:
    format: json
    path: bronze/app_logs/**/*.json
    freshness:
      warn_after: {count: 6, period: hour}
      error_after: {count: 2, period: fortnight}
  clicks:
    format: csv
    path: bronze/clicks/*.csv
    loaded_at_field: ts
    freshness: {error_after: {count: 1, period: day}}
`;
  const parsed = parsePipelineConfig('pipeline.yml', text);
  const errors = parsed.diagnostics.map((d) => `${text.slice(d.range.start, d.range.end)}: ${d.message}`);
  assert.deepEqual(errors, ['fortnight: Unknown error_after period "fortnight": expected minute, hour or day']);
  const by = Object.fromEntries(parsed.value.sources.map((s) => [s.table, s.freshness]));
  assert.deepEqual(by.app_logs, { threshold: { warnAfter: { count: 6, period: 'hour' }, errorAfter: { count: 2 } } });
  assert.deepEqual(by.clicks, { loadedAtField: 'ts', threshold: { warnAfter: {}, errorAfter: { count: 1, period: 'day' } } });
});

test('status: error before warn, and only when strictly older than the threshold', () => {
  const threshold = { warnAfter: { count: 1, period: 'hour' as const }, errorAfter: { count: 1, period: 'day' as const } };
  assert.equal(freshnessStatus(threshold, 3600), 'pass');
  assert.equal(freshnessStatus(threshold, 3601), 'warn');
  assert.equal(freshnessStatus(threshold, 86401), 'error');
  assert.equal(freshnessStatus({ warnAfter: null, errorAfter: {} }, 1e9), 'pass');
});

test('loaded_at_query: a table\'s wins, a table writing loaded_at_field does not inherit the source\'s, both at one level is an error', () => {
  const yaml = `
version: 2
sources:
  - name: shop
    loaded_at_query: "select max(ts) from {{ this }}"
    freshness: {warn_after: {count: 1, period: hour}}
    tables:
      - name: inherits
      - name: own
        config:
          loaded_at_query: "select 1"
      - name: field
        loaded_at_field: ts
      - name: both
        loaded_at_field: ts
        loaded_at_query: "select 2"
`;
  const parsed = parseSchemaFile('models/sources.yml', yaml);
  assert.deepEqual(parsed.diagnostics.map((d) => `${yaml.slice(d.range.start, d.range.end)}: ${d.message}`), ['"select 2": Cannot specify both loaded_at_field and loaded_at_query at table level']);
  const by = Object.fromEntries(parsed.value.sources.map((s) => [s.table, [s.freshness?.loadedAtField, s.freshness?.loadedAtQuery]]));
  assert.deepEqual(by, {
    inherits: [undefined, 'select max(ts) from {{ this }}'],
    own: [undefined, 'select 1'],
    field: ['ts', undefined],
    both: ['ts', 'select 2'],
  });
});
