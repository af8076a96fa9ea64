// dbt projects take their warehouse, threads and target from the profile dbt_project.yml names, as
// dbt-duckdb would: profiles.yml in the project, $DBT_PROFILES_DIR or ~/.dbt; DBT_TARGET picks the output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProject } from '../../../runtime/project/load.js';
import { fixture } from '../../support/fixture.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
profile: shop_profile
//- /models/orders.sql
select 1 as id
`;

const PROFILES = `
shop_profile:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('SHOP_DB', 'dev.duckdb') }}"
      threads: 8
    prod:
      type: duckdb
      path: /data/prod.duckdb
      schema: analytics
    pg:
      type: postgres
      host: localhost
`;

test('profiles.yml in the project: the duckdb path (env_var resolved), threads and target name', async () => {
  const f = fixture(`${PROJECT}//- /profiles.yml\n${PROFILES}`);
  const project = await loadProject(f.fs, f.root, { env: {}, home: '/nowhere' });
  assert.deepEqual(project.diagnostics.filter((d) => d.code === 'dbt-profile'), []);
  assert.equal(project.config.warehouse, 'dev.duckdb');
  assert.equal(project.config.threads, 8);
  assert.equal(project.config.target.name, 'dev');
  const withEnv = await loadProject(f.fs, f.root, { env: { SHOP_DB: 'from_env.duckdb' }, home: '/nowhere' });
  assert.equal(withEnv.config.warehouse, 'from_env.duckdb');
});

test('DBT_PROFILES_DIR and ~/.dbt are searched; DBT_TARGET picks the output', async () => {
  const f = fixture(`${PROJECT}//- /elsewhere/profiles.yml\n${PROFILES}//- /home/.dbt/profiles.yml\n${PROFILES.replace('dev.duckdb', 'home.duckdb')}`);
  const byDir = await loadProject(f.fs, f.root, { env: { DBT_PROFILES_DIR: `${f.root}/elsewhere`, DBT_TARGET: 'prod' }, home: `${f.root}/home` });
  assert.equal(byDir.config.warehouse, '/data/prod.duckdb');
  assert.equal(byDir.config.target.name, 'prod');
  // The output's schema is the target schema: models build there.
  assert.equal(byDir.models.get('orders')!.relation, '"analytics"."orders"');
  const byHome = await loadProject(f.fs, f.root, { env: {}, home: `${f.root}/home` });
  assert.equal(byHome.config.warehouse, 'home.duckdb');
});

test('a missing profile, a missing output or a non-duckdb target is a warning, and the default warehouse stays', async () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [PROFILES.replace('shop_profile:', 'other:'), {}, /has no profile 'shop_profile'; using \.\/warehouse\.duckdb/],
    [PROFILES, { DBT_TARGET: 'staging' }, /has no output 'staging'/],
    [PROFILES, { DBT_TARGET: 'pg' }, /is of type 'postgres'; Medallion runs on DuckDB/],
  ];
  for (const [profiles, env, message] of cases) {
    const f = fixture(`${PROJECT}//- /profiles.yml\n${profiles}`);
    const project = await loadProject(f.fs, f.root, { env, home: '/nowhere' });
    const warnings = project.diagnostics.filter((d) => d.code === 'dbt-profile');
    assert.equal(warnings.length, 1, String(message));
    assert.match(warnings[0].message, message);
    assert.equal(warnings[0].severity, 'warning');
    assert.equal(project.config.warehouse, './warehouse.duckdb');
  }
});

test('no profiles.yml anywhere: defaults, no diagnostic', async () => {
  const f = fixture(PROJECT);
  const project = await loadProject(f.fs, f.root, { env: {}, home: '/nowhere' });
  assert.equal(project.config.warehouse, './warehouse.duckdb');
  assert.deepEqual(project.diagnostics, []);
});
