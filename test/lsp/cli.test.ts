// `medallion lsp --stdio` (the CLI other editors run) starts the same server; the project folder is found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
    [CLI, 'lsp', '--stdio'],
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
