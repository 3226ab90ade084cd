// The flows the worker runs, by name. Add a flow here and it is polled by the
// worker, reachable by webhooks for its models and runnable from `npm run sync`.
// Each call makes fresh instances (flows keep small per-process caches).
import type { Flow } from '../flow.ts';
import { createCatalogFlow } from './catalog.ts';
import { createCustomerMasterFlows } from './customer-master.ts';
import { createInvoiceFlow } from './invoice.ts';
import { createOrderStatusFlow } from './order-status.ts';

export function createFlows(): Flow[] {
  return [
    createOrderStatusFlow(),
    createInvoiceFlow(),
    ...createCustomerMasterFlows(),
    createCatalogFlow(),
  ];
}

export function flowNames(): string[] {
  return createFlows().map((f) => f.name);
}

export function flowByName(name: string): Flow | undefined {
  return createFlows().find((f) => f.name === name);
}
