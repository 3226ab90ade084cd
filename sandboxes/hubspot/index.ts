// The HubSpot sandbox: a loopback stand-in for api.hubapi.com (tests and `npm start` only).
export { createHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions, type SandboxRateLimitOptions } from './server.ts';
export { FaultSwitches, sandboxFaultSchema, type SandboxFault, type SandboxFaultInput, type SandboxFaultKind } from './faults.ts';
export { RequestLog, type RequestLogFilter, type SandboxOperation, type SandboxRequestLogEntry } from './request-log.ts';
export { HubSpotStore, type StoredObject } from './store.ts';
export { SEARCH_LIMITS, SEARCH_OPERATORS } from './search.ts';
