// `npm run docs -w @converge/protocol`: regenerates the committed API documents under docs/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { API_DOCUMENTS, renderDocument } from './index';

// dist/src/openapi/write-docs.js → the repository root.
const root = join(__dirname, '../../../../..');
for (const [path, build] of Object.entries(API_DOCUMENTS)) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderDocument(build()));
  console.log(`wrote ${path}`);
}
