// The language server's entry (bundled to dist/server.js): a connection over stdio (--stdio) or
// node IPC (--node-ipc), as the client chooses, then the server.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server.js';

startServer(createConnection(ProposedFeatures.all));
