// The suite's summary: per project and step, relations identical and nodes agreeing, the
// differences (declared or not) and each tool's time; printed and kept in test-artifacts/conformance/.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { covers, describe } from './compare.js';
import type { ProjectResult } from './runProject.js';

const OUT = path.resolve(__dirname, '..', '..', '..', 'test-artifacts', 'conformance');

export function printSummary(results: ProjectResult[]): void {
  const lines = ['| project | step | relations identical | nodes agreeing | declared differences | undeclared | dbt (s) | Medallion (s) |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  const details: string[] = [];
  let relations = 0;
  let identical = 0;
  let nodes = 0;
  let agreeing = 0;
  for (const { spec, steps } of results) {
    for (const s of steps) {
      const declared = s.differences.filter((d) => spec.expected.some((e) => covers(e, d)));
      const undeclared = s.differences.length - declared.length;
      lines.push(
        `| ${spec.name} | ${s.step}. ${spec.steps[s.step - 1].name} | ${s.relationsIdentical}/${s.relations} | ${s.nodesAgreeing}/${s.nodes} | ${declared.length} | ${undeclared} | ${(s.ms.dbt / 1000).toFixed(1)} | ${(s.ms.medallion / 1000).toFixed(1)} |`,
      );
      relations += s.relations;
      identical += s.relationsIdentical;
      nodes += s.nodes;
      agreeing += s.nodesAgreeing;
      for (const d of s.differences) details.push(`- ${spec.name} ${describe(d).replace(/\n/g, '\n  ')}${declared.includes(d) ? ' (declared)' : ''}`);
    }
  }
  lines.push(`| **all** | | ${identical}/${relations} | ${agreeing}/${nodes} | | | | |`);
  const text = ['## Conformance with dbt-core + dbt-duckdb', '', ...lines, '', ...(details.length ? ['Differences:', '', ...details, ''] : ['No differences.', ''])].join('\n');
  console.log(`\n${text}`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'summary.md'), text);
}
