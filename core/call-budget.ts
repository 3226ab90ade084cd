// The backend-call budget of one request (issue 9, R6): every call a connector is
// about to make on behalf of a request spends one unit; once the budget is spent,
// every further call of that request fails with BACKEND_BUDGET_EXHAUSTED before it
// reaches the backend, so one accepted query cannot turn into thousands of backend
// calls whatever the cost model missed. One logical call is one unit (its retries
// are bounded by the resilience policy, not by this budget).
import { appError, type SystemName } from '../policy/errors.ts';

/** Default SUBGRAPH_BACKEND_CALL_BUDGET: far above a batched query (a handful of calls per nesting level). */
export const DEFAULT_BACKEND_CALL_BUDGET = 500;

export interface CallBudget {
  readonly limit: number;
  readonly spent: number;
  /** Spends one call, or throws BACKEND_BUDGET_EXHAUSTED (the call is not made). */
  spend(system: SystemName, operation: string): void;
}

export function createCallBudget(limit: number): CallBudget {
  let spent = 0;
  return {
    limit,
    get spent() {
      return spent;
    },
    spend(system, operation) {
      if (spent >= limit) {
        throw appError('BACKEND_BUDGET_EXHAUSTED', `This request has used its budget of ${limit} backend calls; ask for fewer or smaller nested lists`, { system, operation, maximum: limit });
      }
      spent++;
    },
  };
}
