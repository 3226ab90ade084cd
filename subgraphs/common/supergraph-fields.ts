// Reads a composed supergraph SDL back into "which subgraph resolves which field",
// from the join__ directives composition writes. The ownership-agreement test uses
// it to hold the composed schemas to the declaration (policy/ownership.ts).
import { Kind, parse, type ConstDirectiveNode, type ObjectTypeDefinitionNode } from 'graphql';

export interface ResolvedField {
  type: string;
  field: string;
  /** Subgraph names (as in supergraph.yaml) that can resolve the field. */
  resolvedBy: string[];
}

function arg(d: ConstDirectiveNode, name: string): string | boolean | undefined {
  const a = d.arguments?.find((x) => x.name.value === name);
  if (!a) return undefined;
  if (a.value.kind === Kind.ENUM || a.value.kind === Kind.STRING) return a.value.value;
  if (a.value.kind === Kind.BOOLEAN) return a.value.value;
  return undefined;
}

export function resolvedFields(supergraphSdl: string): ResolvedField[] {
  const doc = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === 'join__Graph') {
      for (const v of def.values ?? []) {
        const jg = v.directives?.find((d) => d.name.value === 'join__graph');
        graphNames.set(v.name.value, String(jg ? arg(jg, 'name') : v.name.value.toLowerCase()));
      }
    }
  }
  const out: ResolvedField[] = [];
  const objects = doc.definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION);
  for (const type of objects) {
    const typeGraphs = (type.directives ?? []).filter((d) => d.name.value === 'join__type').map((d) => graphNames.get(String(arg(d, 'graph')))!);
    if (typeGraphs.length === 0) continue; // not a subgraph type (federation internals)
    for (const field of type.fields ?? []) {
      const joins = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
      const resolvedBy = joins.length === 0
        ? typeGraphs
        : joins.filter((d) => arg(d, 'external') !== true && arg(d, 'graph') !== undefined).map((d) => graphNames.get(String(arg(d, 'graph')))!);
      out.push({ type: type.name.value, field: field.name.value, resolvedBy: [...new Set(resolvedBy)].sort() });
    }
  }
  return out;
}
