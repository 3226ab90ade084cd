// `npm run compose`: supergraph.yaml → supergraph.graphql. Exits non-zero with the
// composition errors listed, which is how CI fails on a broken composition.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CompositionFailed, composeSupergraph, readSupergraphConfig } from '../gateway/composition.ts';

const out = resolve(import.meta.dirname, '..', 'supergraph.graphql');
try {
  const { supergraphSdl, hints } = composeSupergraph(readSupergraphConfig());
  writeFileSync(out, supergraphSdl);
  for (const hint of hints) console.log(`hint: ${hint}`);
  console.log(`composed ${out}`);
} catch (e) {
  console.error(e instanceof CompositionFailed ? e.message : e);
  process.exit(1);
}
