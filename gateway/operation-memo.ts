// Apollo Gateway caches the query plan of a document, but for every request its
// executeQueryPlan rebuilds federation-internals' `Operation` from the document (for
// result shaping): the same work for the same parsed document, about 2.5% of the
// gateway's CPU per request in its profile (issue 13). Apollo Server hands the
// gateway the same DocumentNode for the same query (its document store), so the
// rebuilt operation can be remembered per operation definition node — in a WeakMap,
// so it goes when Apollo's document store drops the document.
//
// Only the call executeQueryPlan makes is remembered: `validate: false`, no operation
// name, one operation definition followed by its fragments, all of them the very
// nodes seen before. Every other call (the planner's, with validation) goes to
// Apollo's function unchanged.
import { createRequire } from 'node:module';
import type { DefinitionNode, DocumentNode, OperationDefinitionNode } from 'graphql';

type OperationFromDocument = (schema: object, document: DocumentNode, options?: { operationName?: string; validate?: boolean }) => unknown;
interface OperationsModule { operationFromDocument: OperationFromDocument }
interface Remembered { fragments: readonly DefinitionNode[]; operation: unknown }

/** federation-internals' operations module as @apollo/gateway resolves it (the gateway's dependency, at the gateway's version). */
function operationsModule(): OperationsModule {
  const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
  return gatewayRequire('@apollo/federation-internals/dist/operations') as OperationsModule;
}

let installed: { calls: number; built: number } | undefined;

/**
 * Installs the memo once per process and returns its counters (calls it answered,
 * operations it built), which the tests read. Fails at start-up, not per request, if
 * a new federation-internals moves the function.
 */
export function rememberOperationsPerDocument(): { readonly calls: number; readonly built: number } {
  if (installed) return installed;
  const mod = operationsModule();
  const original = mod.operationFromDocument;
  if (typeof original !== 'function') throw new Error('@apollo/federation-internals: operationFromDocument is gone; remove gateway/operation-memo.ts');
  const counters = { calls: 0, built: 0 };
  const bySchema = new WeakMap<object, WeakMap<OperationDefinitionNode, Remembered>>();
  mod.operationFromDocument = function rememberedOperationFromDocument(schema, document, options) {
    const [first, ...rest] = document.definitions;
    if (options?.validate !== false || options.operationName !== undefined || first?.kind !== 'OperationDefinition') return original(schema, document, options);
    counters.calls++;
    let perSchema = bySchema.get(schema);
    if (!perSchema) bySchema.set(schema, (perSchema = new WeakMap()));
    const hit = perSchema.get(first);
    if (hit && hit.fragments.length === rest.length && hit.fragments.every((f, i) => f === rest[i])) return hit.operation;
    const operation = original(schema, document, options);
    counters.built++;
    perSchema.set(first, { fragments: rest, operation });
    return operation;
  };
  installed = counters;
  return counters;
}
