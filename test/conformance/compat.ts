// Prints the README's dbt compatibility table from the conformance projects' conformance.yml files:
// each project's features, and each declared difference as "not yet" with its reason.
// Run: node --import tsx test/conformance/compat.ts
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { readSpec } from './lib/spec.js';

const PROJECTS = path.join(__dirname, 'projects');
const cell = (text: string): string => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

const lines = ['| Conformance project | What it exercises | Agrees with dbt-core + dbt-duckdb |', '| --- | --- | --- |'];
for (const name of readdirSync(PROJECTS).sort()) {
  if (!existsSync(path.join(PROJECTS, name, 'dbt_project.yml'))) continue;
  const spec = readSpec(path.join(PROJECTS, name));
  const gaps = new Map<string, string>();
  for (const e of spec.expected) if (!gaps.has(e.feature)) gaps.set(e.feature, e.reason);
  const verdict = gaps.size === 0 ? 'yes, every relation and node' : `all but (not yet): ${[...gaps].map(([feature, reason]) => `**${cell(feature)}** (${cell(reason)})`).join('<br>')}`;
  lines.push(`| [${name}](test/conformance/projects/${name}) | ${cell(spec.description)} | ${verdict} |`);
}
console.log(lines.join('\n'));
