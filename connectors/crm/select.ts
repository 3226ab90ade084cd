// Picking the CRM adapter from configuration (CRM_SYSTEM, core/crm-system.ts): the
// one switch over concrete CRMs. A Salesforce adapter is one more case here.
import { appError } from '../../policy/errors.ts';
import { CRM_SYSTEM, loadCrmSystem } from '../../core/crm-system.ts';
import type { Env } from '../../core/env.ts';
import { loadHubSpotConfig } from './hubspot/config.ts';
import { createHubSpotClient, type HubSpotClientOptions } from './hubspot/hubspot-client.ts';
import { createHubSpotCrm } from './hubspot/adapter.ts';
import type { CrmPort } from './port.ts';

/** The configured CRM's adapter, its connection settings read from the environment. */
export function createConfiguredCrm(env: Env = process.env, options: HubSpotClientOptions = {}): CrmPort {
  const system = loadCrmSystem(env);
  switch (system) {
    case 'hubspot': {
      const config = loadHubSpotConfig(env);
      return createHubSpotCrm(createHubSpotClient(config, options), { quoteTemplateId: config.quoteTemplateId });
    }
  }
}

/**
 * Canonical ids carry the configured CRM's tag (core/ids.ts): an adapter for another
 * CRM would mint ids no other process of the deployment can read, so it is refused.
 */
export function checkConfiguredCrm(crm: CrmPort): CrmPort {
  if (crm.system !== CRM_SYSTEM) {
    throw appError('CONFIG_INVALID', `The CRM adapter is ${crm.system} but CRM_SYSTEM is ${CRM_SYSTEM}`, { field: 'CRM_SYSTEM', system: crm.system });
  }
  return crm;
}
