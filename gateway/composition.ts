// Composition of supergraph.yaml (rover's format) with @apollo/composition. Used by
// `npm run compose`, by the gateway at start-up when no composed file is given, and
// by the tests, so all three see the same supergraph.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { lexicographicSortSchema, parse, printSchema } from 'graphql';
import YAML from 'yaml';
import { z } from 'zod';

const supergraphConfigSchema = z.object({
  federation_version: z.string().regex(/^=?2\.\d+(\.\d+)?$/, 'federation_version must be 2.x'),
  subgraphs: z.record(
    z.string().regex(/^[a-z][a-z0-9_]*$/),
    z.object({
      routing_url: z.url(),
      schema: z.object({ file: z.string().min(1) }),
    }),
  ),
});

export interface SubgraphDefinition {
  name: string;
  url: string;
  sdl: string;
}

export const DEFAULT_SUPERGRAPH_CONFIG = resolve(import.meta.dirname, '..', 'supergraph.yaml');

export function readSupergraphConfig(path = DEFAULT_SUPERGRAPH_CONFIG): SubgraphDefinition[] {
  const raw = YAML.parse(readFileSync(path, 'utf8'));
  const parsed = supergraphConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${path} is not a valid supergraph config: ${z.prettifyError(parsed.error)}`);
  }
  const base = dirname(path);
  return Object.entries(parsed.data.subgraphs).map(([name, sg]) => ({
    name,
    url: sg.routing_url,
    sdl: readFileSync(resolve(base, sg.schema.file), 'utf8'),
  }));
}

export class CompositionFailed extends Error {
  constructor(readonly messages: string[]) {
    super(`Composition failed:\n${messages.map((m) => `  - ${m}`).join('\n')}`);
    this.name = 'CompositionFailed';
  }
}

/**
 * Composes the subgraphs; throws CompositionFailed with every error, readable.
 *
 * A process that composes the same schemas again with other URLs (the test harness and
 * the benches start a stack per test on new ports) reuses the composition: it takes about
 * 0.6 s of CPU, and the URLs only fill in the join__graph enum. The composition is done
 * with a placeholder URL per subgraph that cannot occur in a schema, then each is replaced.
 */
export function composeSupergraph(subgraphs: SubgraphDefinition[], urlOverrides: Record<string, string> = {}): { supergraphSdl: string; hints: string[] } {
  const key = JSON.stringify(subgraphs.map((sg) => [sg.name, sg.sdl]));
  let composed = compositions.get(key);
  if (!composed) {
    const result = composeServices(subgraphs.map((sg) => ({ name: sg.name, url: urlPlaceholder(sg.name), typeDefs: parse(sg.sdl) })));
    if (result.errors && result.errors.length > 0) {
      throw new CompositionFailed(result.errors.map((e) => e.message));
    }
    composed = { supergraphSdl: result.supergraphSdl!, hints: (result.hints ?? []).map((h) => h.toString()) };
    if (compositions.size >= MAX_COMPOSITIONS) compositions.delete(compositions.keys().next().value!);
    compositions.set(key, composed);
  }
  let supergraphSdl = composed.supergraphSdl;
  for (const sg of subgraphs) {
    supergraphSdl = supergraphSdl.replaceAll(JSON.stringify(urlPlaceholder(sg.name)), JSON.stringify(urlOverrides[sg.name] ?? sg.url));
  }
  return { supergraphSdl, hints: [...composed.hints] };
}

/** Compositions by their subgraphs' names and schemas; a process composes one or two sets. */
const compositions = new Map<string, { supergraphSdl: string; hints: string[] }>();
const MAX_COMPOSITIONS = 4;

/** A URL only composition writes (in join__graph's url: argument): .invalid never resolves (RFC 2606). */
function urlPlaceholder(subgraph: string): string {
  return `http://${subgraph}.subgraph-url-placeholder.invalid/graphql`;
}

/**
 * The API schema clients see (the supergraph without federation's join directives
 * and @inaccessible elements), printed in a stable order: what schema/ commits so a
 * client generates its types without starting the stack.
 */
export function composeApiSchemaSdl(subgraphs: SubgraphDefinition[]): string {
  const result = composeServices(subgraphs.map((sg) => ({ name: sg.name, url: sg.url, typeDefs: parse(sg.sdl) })));
  if (result.errors && result.errors.length > 0) throw new CompositionFailed(result.errors.map((e) => e.message));
  return `${printSchema(lexicographicSortSchema(result.schema!.toAPISchema().toGraphQLJSSchema()))}\n`;
}
