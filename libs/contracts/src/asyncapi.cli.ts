import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiYaml } from './asyncapi';

// Regenerates libs/contracts/asyncapi.yaml from the topic registry and payload classes.
const target = join(__dirname, '..', '..', '..', '..', 'libs', 'contracts', 'asyncapi.yaml');
writeFileSync(target, asyncApiYaml());
console.log(`wrote ${target}`);
