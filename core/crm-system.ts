// Which CRM this deployment runs against. `crm` is the role a system plays; the
// concrete system is configuration (CRM_SYSTEM, default hubspot). It picks the
// adapter in each composition root, names the system in errors, and is the tag
// inside every CRM-anchored canonical id — so it is read once per process and every
// process of a deployment (gateway, subgraphs) reads the same variable.
import { z } from 'zod';
import { parseEnv, type Env } from './env.ts';
import { CRM_SYSTEMS, type CrmSystem } from '../policy/components.ts';

export { CRM_SYSTEMS, type CrmSystem };

const crmSystemSchema = z.object({
  CRM_SYSTEM: z.preprocess((v) => (v === '' ? undefined : v), z.enum(CRM_SYSTEMS, `must be one of ${CRM_SYSTEMS.join(', ')}`).default(CRM_SYSTEMS[0])),
});

export function loadCrmSystem(env: Env = process.env): CrmSystem {
  return parseEnv(crmSystemSchema, env, { label: 'CRM' }).CRM_SYSTEM;
}

/** This process's CRM. */
export const CRM_SYSTEM: CrmSystem = loadCrmSystem();
