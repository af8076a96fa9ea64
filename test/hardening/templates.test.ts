// Issue 15 item 2 through the real CLI: a project whose templates try to escape into JavaScript or run
// away builds what it can, reports each bad model at its position, runs nothing of the attacker's and
// writes nothing outside the project. (The engine's own suites: test/unit/template/sandbox and budget.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { sentinel } from './sentinel.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

test('escaping and runaway templates: errors at their models, the rest builds, nothing runs or lands outside', (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: shop
lake: ./lake
render: { timeout_seconds: 0.3 }
//- /models/silver/fine.sql
{{ config(materialized='table') }}
select 1 as id
//- /models/silver/spin.sql
select 1 as id
{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}
//- /models/silver/huge.sql
select '{{ 'x' * 100000000 }}' as big
`);
  t.after(() => s.dispose());
  const pwned = path.join(s.box, 'outside', 'pwned');
  s.write('models/silver/escape.sql', `select '{{ range.constructor.constructor("return process.mainModule.require('fs').writeFileSync('${pwned}', 'x')")() }}' as x\n`);
  const before = s.around();
  const r = spawnSync(process.execPath, [CLI, 'build', '--project', s.root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 1, out);
  assert.match(out, /models\/silver\/escape\.sql:1:\d+: error: .*undefined/);
  assert.match(out, /models\/silver\/spin\.sql:2:\d+: error: the template exceeded its time budget \(300 ms\)/);
  assert.match(out, /models\/silver\/huge\.sql:1:\d+: error: string of 100000000 characters exceeds the output limit/);
  assert.match(out, /OK +model fine · 1 row, table/);
  assert.deepEqual(s.around(), before, 'nothing written or deleted outside the project');
});
