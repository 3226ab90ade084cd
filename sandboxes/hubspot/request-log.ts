// Every API call the HubSpot sandbox answers (admin routes excluded), so tests can
// assert exact call counts: "250 ids were read in 3 batch calls", "one retry".
import type { HubSpotObjectType } from '../../connectors/crm/hubspot/mapping/objects.ts';

export type SandboxOperation =
  | 'list' | 'get' | 'create' | 'update' | 'archive' | 'search'
  | 'batch_read' | 'batch_create' | 'batch_update' | 'batch_upsert' | 'batch_archive'
  | 'associations_list' | 'associate' | 'associations_batch_read'
  | 'owners_list' | 'owners_get'
  | 'unknown';

export interface SandboxRequestLogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: string;
  operation: SandboxOperation;
  objectType?: HubSpotObjectType;
  /** Associations: the other object type. */
  toObjectType?: HubSpotObjectType;
  /** Batch calls: the number of `inputs`. */
  inputs?: number;
  /** The caller's X-Request-Id header, if any. */
  requestId?: string;
  /** The status answered; absent when the request was hung or its socket destroyed. */
  status?: number;
  /** The fault that shaped the answer, if one did. */
  fault?: string;
}

export type RequestLogFilter = Partial<Pick<SandboxRequestLogEntry, 'operation' | 'objectType' | 'toObjectType' | 'method' | 'requestId' | 'status'>>;

export class RequestLog {
  private items: SandboxRequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly limit = 100_000) {}

  /** Append an entry; returns the stored entry itself so the server can complete it (status, inputs, fault). */
  record(entry: Omit<SandboxRequestLogEntry, 'seq' | 'at'>): SandboxRequestLogEntry {
    const full: SandboxRequestLogEntry = { seq: ++this.seq, at: new Date().toISOString(), ...entry };
    this.items.push(full);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    return full;
  }

  /** Entries in arrival order, optionally only those matching every given field. */
  entries(filter: RequestLogFilter = {}): SandboxRequestLogEntry[] {
    const keys = Object.keys(filter) as (keyof RequestLogFilter)[];
    return this.items.filter((e) => keys.every((k) => e[k] === filter[k])).map((e) => ({ ...e }));
  }

  count(filter: RequestLogFilter = {}): number {
    return this.entries(filter).length;
  }

  clear(): void {
    this.items = [];
  }
}
