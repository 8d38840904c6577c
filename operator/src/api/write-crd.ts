import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRD_FILE, crdYaml } from './crd-file';

// `npm run crd -w operator`: rewrites the committed CRD from the TypeScript schema.
writeFileSync(join(__dirname, '..', '..', '..', CRD_FILE), crdYaml());
