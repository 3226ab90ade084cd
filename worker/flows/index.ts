// The flows the worker runs, by name. Add a flow here and it is polled by the
// worker, reachable by webhooks for its models and runnable from `npm run sync`.
import type { Flow } from '../flow.ts';

export const FLOWS: readonly Flow[] = [];

export function flowByName(name: string): Flow | undefined {
  return FLOWS.find((f) => f.name === name);
}
