// The components of the supergraph and every name each one goes by, defined once.
// A component is named in four vocabularies that cannot all be the same word:
//   - owner:    who is the system of record of a field (ownership.ts);
//   - subgraph: the subgraph serving it (supergraph.yaml, the composed supergraph's
//               join__Graph, the audience of the gateway's internal credential);
//   - system:   the value clients and the audit trail see in `extensions.system` /
//               `AuditEntry.system` (stored in SQLite: changing one needs a migration);
//   - display:  how a message to a person names it.
// Code that needs one of them looks it up here instead of translating by hand.

/**
 * The CRMs an adapter exists for (connectors/crm/<system>/). `crm` is a role; which
 * system plays it is configuration (CRM_SYSTEM, read in core/crm-system.ts), the first
 * being the default.
 */
export const CRM_SYSTEMS = ['hubspot'] as const;
export type CrmSystem = (typeof CRM_SYSTEMS)[number];

export const COMPONENTS = {
  odoo: { subgraph: 'odoo', system: 'odoo', display: 'Odoo' },
  crm: { subgraph: 'crm', system: CRM_SYSTEMS[0], display: 'HubSpot' },
  // The integration layer itself: the record of the audit trail, the exceptions and
  // mutation results. Its subgraph carries the mutations; the write refusals it records
  // (and the errors it raises) name the gateway as the system, as clients have always seen.
  integration: { subgraph: 'writes', system: 'gateway', display: 'the integration' },
} as const satisfies Record<string, { subgraph: string; system: string; display: string }>;

export type ComponentName = keyof typeof COMPONENTS;
export type SubgraphName = (typeof COMPONENTS)[ComponentName]['subgraph'];
export type SystemName = (typeof COMPONENTS)[ComponentName]['system'];

export const COMPONENT_NAMES = Object.keys(COMPONENTS) as ComponentName[];
export const SYSTEM_NAMES = COMPONENT_NAMES.map((c) => COMPONENTS[c].system) as [SystemName, ...SystemName[]];

/** The system a subgraph fronts, by the subgraph's name in supergraph.yaml. */
export const SYSTEM_OF_SUBGRAPH: Readonly<Record<string, SystemName>> = Object.fromEntries(
  COMPONENT_NAMES.map((c) => [COMPONENTS[c].subgraph, COMPONENTS[c].system]),
);
