// The flows the worker runs, by name. Add a flow here and it is polled by the
// worker, reachable by webhooks for its models and runnable from `npm run sync`.
import type { Flow } from '../flow.ts';
import { createCustomerMasterFlow } from './customer-master.ts';
import { createCatalogFlow } from './catalog.ts';

export const FLOWS: readonly Flow[] = [createCustomerMasterFlow(), createCatalogFlow()];

export function flowByName(name: string): Flow | undefined {
  return FLOWS.find((f) => f.name === name);
}
