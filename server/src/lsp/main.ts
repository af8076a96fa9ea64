// The language server's entry (bundled to dist/server.js): a connection over stdio (--stdio) or
// node IPC (--node-ipc), as the client chooses, then the server. The same file, started as a
// worker thread, parses schema YAML for the cold index (schemaWorker.ts) or renders models (renderWorker.ts).
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server.js';
import { runSchemaWorker } from './schemaWorker.js';
import { runRenderWorker } from './renderWorker.js';

if (!runSchemaWorker() && !runRenderWorker()) startServer(createConnection(ProposedFeatures.all));
