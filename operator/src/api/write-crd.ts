import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCrdFiles } from './crd-file';

// `npm run crd -w operator`: rewrites the committed CRDs from the TypeScript schemas.
for (const { file, yaml } of allCrdFiles()) writeFileSync(join(__dirname, '..', '..', '..', file), yaml);
