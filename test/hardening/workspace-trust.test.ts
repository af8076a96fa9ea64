// Issue 15, item 3: in an untrusted workspace the analysis layer renders no template and binds no
// SQL (bound diagnostics, bound columns, column lineage in hover and the lineage graph) until trust().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../support/fixture.js';
import { Workspace } from '../../server/src/analysis/workspace.js';
import { bindAll, bindFiles, boundDiagnostics, staticDiagnostics } from '../../server/src/analysis/diagnostics.js';
import { hover } from '../../server/src/analysis/hover.js';
import { lineageGraph } from '../../server/src/analysis/lineageGraph.js';
import { SHOP, withFile } from '../unit/analysis/support.js';

const BROKEN = "select e.user_id, count(*) as revenue, nope_col from {{ ref('events') }} e group by 1\n";

test('untrusted: static diagnostics only, no bound columns or column lineage; trust() turns them on', async () => {
  const f = fixture(withFile(withFile(SHOP, 'models/gold/revenue.sql', BROKEN), 'models/gold/typo.sql', "select * from {{ ref('evnts') }}"));
  const ws = await Workspace.open(f.fs, f.root, { trusted: false });
  const revenue = 'models/gold/revenue.sql';
  const afterBinding = async () => {
    const touched = await bindFiles(ws, [revenue, 'models/silver/events.sql']);
    await bindAll(ws, () => {});
    const graph = await lineageGraph(ws.snapshot(), { focus: 'model.revenue', columns: true });
    const h = await hover(ws.snapshot(), 'models/gold/schema.yml', f.files['models/gold/schema.yml'].indexOf('user_id'));
    return { touched, bound: boundDiagnostics(ws.snapshot(), revenue).map((d) => d.code), columns: ws.snapshot().columns('model.events').map((c) => c.name), edges: graph.columnEdges.length, hover: h?.markdown ?? '' };
  };

  assert.ok(staticDiagnostics(ws.snapshot()).get('models/gold/typo.sql')?.some((d) => d.code === 'unknown-ref'));
  const untrusted = await afterBinding();
  assert.deepEqual(untrusted, { touched: [], bound: [], columns: [], edges: 0, hover: '**user_id** — integer' });

  ws.trust();
  const trusted = await afterBinding();
  assert.ok(trusted.bound.includes('unknown-column'), `bound diagnostics after trust: ${trusted.bound.join(', ')}`);
  assert.deepEqual(trusted.columns, ['event_id', 'user_id', 'amount', 'ts']);
  assert.ok(trusted.edges > 0);
  assert.match(trusted.hover, /Lineage/);
});
