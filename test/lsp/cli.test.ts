// `medallion lsp --stdio` (the CLI other editors run) starts the same server; the project folder is found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { CompletionList } from 'vscode-languageserver-protocol/node';
import { Client } from './client.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

test('medallion lsp --stdio answers LSP requests and registers file watchers', async () => {
  const c = await Client.start(
    `
    //- /pipeline.yml
    name: shop
    //- /models/silver/events.sql
    select 1 as id
    `,
    { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    { command: [CLI, 'lsp', '--stdio'] },
  );
  try {
    assert.deepEqual(c.registrations, ['workspace/didChangeWatchedFiles']);
    const text = "select * from {{ ref('') }}\n";
    await c.open('models/gold/x.sql', text);
    const list = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri: c.uri('models/gold/x.sql') }, position: { line: 0, character: 22 } });
    assert.deepEqual(list.items.map((i) => i.label), ['events']);
  } finally {
    await c.stop();
  }
});

test('a project in a subfolder of the workspace is found', async () => {
  const c = await Client.start(`
    //- /README.md
    a repository with the project below
    //- /analytics/pipeline.yml
    name: nested
    //- /analytics/models/silver/events.sql
    select 1 as id
  `);
  try {
    const text = "select * from {{ ref('') }}\n";
    await c.open('analytics/models/gold/x.sql', text);
    const list = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri: c.uri('analytics/models/gold/x.sql') }, position: { line: 0, character: 22 } });
    assert.deepEqual(list.items.map((i) => i.label), ['events']);
  } finally {
    await c.stop();
  }
});

test('the index cache under target/ lets a restart skip schema YAML', async () => {
  const first = await Client.start(`
    //- /pipeline.yml
    name: cached
    //- /models/silver/events.sql
    select 1 as id
    //- /models/silver/schema.yml
    version: 2
    models:
      - name: events
        description: From YAML
  `);
  const root = first.root;
  const firstPass = first.notifications.find((n) => n.method === 'medallion/projectChanged')?.params;
  assert.deepEqual(firstPass, { complete: false }, 'schema YAML deferred on the first start');
  await first.stop(false);
  assert.ok(existsSync(path.join(root, 'target/medallion-index.json')));
  const second = await Client.launch(root, {}, true);
  try {
    assert.deepEqual(second.notifications.find((n) => n.method === 'medallion/projectChanged')?.params, { complete: true });
    const found = await second.request<Array<{ name: string }>>('workspace/symbol', { query: 'events' });
    assert.deepEqual(found.map((s) => s.name), ['events']);
  } finally {
    await second.stop();
  }
});
