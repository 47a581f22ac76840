/** Writes config.schema.json from `configSchema()` (src/configSchema.ts): `pnpm run schema`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../src/configSchema';

const file = fileURLToPath(new URL('../config.schema.json', import.meta.url));
writeFileSync(file, `${JSON.stringify(configSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
