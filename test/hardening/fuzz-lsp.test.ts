// Acceptance of issue 15: random operations against the real language server (`medallion lsp --stdio`)
// on the fuzz project: edits that break models, macros and YAML (escape and runaway templates
// included) between completion, hover, definition, references, symbols, code lenses, rename, compiled
// SQL and lineage at random positions. No request errors, the server stays up and logs no failure,
// nothing is written outside the project. FUZZ_SEED reproduces a run, FUZZ_COUNT widens it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Client } from '../lsp/client.js';
import { fixture } from '../support/fixture.js';
import { BROKEN_JINJA, BROKEN_SQL, BROKEN_YAML, RUNAWAY, UNICODE, escapes, mutate } from './fuzz/bad.js';
import { FILES, PROJECT } from './fuzz/project.js';
import { count, random } from './fuzz/random.js';
import { sentinel } from './sentinel.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const OPS = count(1000);
const POSITION_REQUESTS = ['textDocument/completion', 'textDocument/hover', 'textDocument/definition', 'textDocument/references', 'textDocument/prepareRename', 'textDocument/rename'];
const DOCUMENT_REQUESTS = ['textDocument/documentSymbol', 'textDocument/codeLens'];

test(`${OPS} random language-server operations: no error, no crash, no write outside (seed ${random().seed})`, async (t) => {
  const r = random();
  const s = sentinel(PROJECT);
  t.after(() => s.dispose());
  const before = s.around();
  // Renaming a model renames its file: a client that can take that, so a rename is never refused.
  const capabilities = { workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['rename'] } } };
  const c = await Client.launch(s.root, capabilities, false, { command: [CLI, 'lsp', '--stdio'] });
  t.after(async () => (c.child.exitCode === null && c.child.signalCode === null ? c.stop(false) : undefined));
  const texts = new Map(Object.entries(fixture(PROJECT).files).filter(([file]) => FILES.some((f) => f.file === file && f.kind !== 'data')));
  const names = [...texts.keys()];
  for (const file of names) await c.open(file, texts.get(file)!);
  const templatePool = [...BROKEN_JINJA, ...BROKEN_SQL, ...UNICODE, ...RUNAWAY, ...escapes(path.join(s.box, 'outside', 'pwned'))];
  const log: string[] = [];
  // A request to a server that died would never settle: its exit fails the request instead.
  const exited = new Promise<never>((_, reject) => c.child.once('exit', (code, signal) => reject(new Error(`the server exited (${code ?? signal}):\n${c.stderr.slice(-3000)}`))));
  exited.catch(() => undefined);

  for (let op = 0; op < OPS; op++) {
    const file = r.pick(names);
    const text = texts.get(file)!;
    const at = r.int(text.length + 2);
    const position = { line: text.slice(0, at).split('\n').length - 1 + (r.chance(0.05) ? 50 : 0), character: at - text.lastIndexOf('\n', at - 1) - 1 };
    const textDocument = { uri: c.uri(file) };
    const kind = r.int(10);
    let step: string;
    let request: Promise<unknown> | undefined;
    if (kind < 3) {
      // Edits often return to the good text, so the project keeps having something to analyse.
      const next = r.chance(0.25) ? fixture(PROJECT).files[file] : mutate(r, text, file.endsWith('.yml') ? [...BROKEN_YAML, ...UNICODE] : templatePool);
      texts.set(file, next);
      step = `change ${file} to ${JSON.stringify(next.slice(0, 300))}`;
      await c.change(file, next);
    } else if (kind < 7) {
      const method = r.pick(POSITION_REQUESTS);
      step = `${method} ${file} ${JSON.stringify(position)}`;
      request = c.request(method, { textDocument, position, newName: 'renamed', context: { includeDeclaration: true } });
    } else if (kind < 8) {
      const method = r.pick(DOCUMENT_REQUESTS);
      step = `${method} ${file}`;
      request = c.request(method, { textDocument });
    } else {
      const model = r.pick(['events_clean', 'payments_clean', 'daily', 'nope', '']);
      const method = r.pick(['medallion/compiled', 'medallion/lineage', 'medallion/projectInfo', 'workspace/symbol']);
      step = `${method} ${model}`;
      request = c.request(method, { model, uri: c.uri(file), query: model });
    }
    log.push(step);
    if (process.env.FUZZ_TRACE) console.error(op, step.slice(0, 200));
    if (request) await Promise.race([request, exited]).catch((err: unknown) => assert.fail(`op ${op} (FUZZ_SEED=${r.seed}) ${step}: ${String(err)}\nafter:\n${log.slice(-5).join('\n')}`));
  }
  // A last request answered means every edit before it was taken in.
  await c.request('textDocument/documentSymbol', { textDocument: { uri: c.uri(names[0]) } });
  assert.equal(c.child.exitCode, null, `the server exited: ${c.stderr}`);
  const failures = c.notifications.filter((n) => n.method === 'window/logMessage' && /failed|Error|exception/i.test(JSON.stringify(n.params)));
  assert.deepEqual(failures.map((n) => n.params), [], `the server logged failures (FUZZ_SEED=${r.seed})`);
  assert.doesNotMatch(c.stderr, /Error|Unhandled/);
  await c.stop(false);
  assert.deepEqual(s.around(), before, 'a write outside the project');
});
