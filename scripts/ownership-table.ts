// Prints the README's field-ownership table from the one declaration, so the
// documentation cannot drift from the code (a test compares them).
import { pathToFileURL } from 'node:url';
import { COMPONENTS } from '../policy/components.ts';
import { OWNERSHIP, type FieldDeclaration, type WriteTarget } from '../policy/ownership.ts';
import { OBJECT_TYPE, PROPERTY } from '../connectors/crm/hubspot/canonical.ts';

const OWNER_LABEL: Record<FieldDeclaration['owner'], string> = {
  odoo: COMPONENTS.odoo.display,
  crm: COMPONENTS.crm.display,
  integration: `integration (${COMPONENTS.integration.subgraph} subgraph)`,
  key: 'key (shared by subgraphs)',
  shared: 'shared',
};

/** Where a write lands in the system itself: the CRM's object and property come from its adapter's mapping. */
function landsIn(target: WriteTarget): string {
  if (target.system === 'odoo') return `${target.object}.${target.field}`;
  return `${OBJECT_TYPE[target.object]}.${(PROPERTY[target.object] as Record<string, string>)[target.field]}`;
}

export function ownershipTable(): string {
  const rows = ['| Type | Field | System of record | Writable to | Sensitivity |', '|---|---|---|---|---|'];
  for (const [type, fields] of Object.entries(OWNERSHIP)) {
    if (type === 'Query' || type === 'PageInfo' || type === 'Money') continue;
    for (const [field, d] of Object.entries(fields)) {
      const target = d.write ? `\`${landsIn(d.write)}\`` : 'read-only';
      rows.push(`| ${type} | ${field} | ${OWNER_LABEL[d.owner]} | ${target} | ${d.sensitivity ?? ''} |`);
    }
  }
  return rows.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(ownershipTable());
