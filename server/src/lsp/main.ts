// The language server's entry (bundled to dist/server.js): a connection over stdio (--stdio) or
// node IPC (--node-ipc), as the client chooses, then the server. The same file, started as a
// worker thread, parses schema YAML for the cold index (schemaWorker.ts).
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server.js';
import { runSchemaWorker } from './schemaWorker.js';

if (!runSchemaWorker()) startServer(createConnection(ProposedFeatures.all));
