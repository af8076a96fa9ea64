// The conformance suite: every project under test/conformance/projects/ is built step by step by
// dbt-core + dbt-duckdb and by Medallion; a difference not declared in its conformance.yml fails.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ensureDbt } from '../support/dbtVenv.js';
import { covers, describe as describeDifference } from './lib/compare.js';
import { printSummary } from './lib/report.js';
import { runProject, type ProjectResult } from './lib/runProject.js';
import { readSpec } from './lib/spec.js';
import { artifactOf } from './lib/tools.js';

const PROJECTS = path.join(__dirname, 'projects');
const ONLY = process.env.CONFORMANCE_PROJECTS?.split(',');
const specs = readdirSync(PROJECTS)
  .filter((name) => existsSync(path.join(PROJECTS, name, 'dbt_project.yml')) && (!ONLY || ONLY.includes(name)))
  .sort()
  .map((name) => readSpec(path.join(PROJECTS, name)));

const dbt = ensureDbt((line) => console.log(line));
const results: ProjectResult[] = [];

if (!dbt.ok) {
  // CI must not pass without the oracle; a laptop without python3 may skip, saying why.
  const message = `dbt-core + dbt-duckdb are not available (${dbt.reason}); install python3 with venv and pip`;
  if (process.env.CI === 'true') it('has dbt to compare with', () => assert.fail(message));
  else it('conformance against dbt', { skip: message }, () => {});
} else {
  after(() => printSummary(results));
  for (const spec of specs) {
    describe(`${spec.name}: Medallion builds what dbt builds`, () => {
      let result: ProjectResult;
      before(async () => {
        result = await runProject(spec, dbt.dbt);
        results.push(result);
      });

      for (const [i, step] of spec.steps.entries()) {
        it(`step ${i + 1} (${step.name}): same relations, columns, types, rows and node statuses`, () => {
          const comparison = result.steps[i];
          assert.ok(comparison.relations > 0 && comparison.nodes > 0, `dbt built nothing to compare with:\n${comparison.runs.dbt.output.slice(-3000)}`);
          assert.notEqual(artifactOf(comparison.runs.dbt).json, undefined, `dbt did not run:\n${comparison.runs.dbt.output.slice(-3000)}`);
          const unexpected = comparison.differences.filter((d) => !spec.expected.some((e) => covers(e, d)));
          assert.deepEqual(unexpected.map(describeDifference), [], `${spec.name} step ${i + 1} differs from dbt in ways conformance.yml does not declare`);
        });
      }

      it('declares only differences that still occur (remove the ones Medallion has fixed)', () => {
        const all = result.steps.flatMap((s) => s.differences);
        const stale = spec.expected.filter((e) => !all.some((d) => covers(e, d)));
        assert.deepEqual(stale.map((e) => `${e.feature}: ${e.what} ${e.relation ?? e.node ?? ''}${e.column ? `.${e.column}` : ''}`), []);
      });
    });
  }
}
