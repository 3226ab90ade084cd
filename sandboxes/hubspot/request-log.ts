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
  /**
   * Entries before this index have aged out. Dropping the oldest entry by splice moved the
   * other 99,999 on every call once the log was full (a long bench run); the aged ones are
   * cut off in one slice every `limit` calls instead, as the Odoo sandbox's log does.
   */
  private start = 0;
  private seq = 0;

  constructor(private readonly limit = 100_000) {}

  /** Append an entry; returns the stored entry itself so the server can complete it (status, inputs, fault). */
  record(entry: Omit<SandboxRequestLogEntry, 'seq' | 'at'>): SandboxRequestLogEntry {
    const full: SandboxRequestLogEntry = { seq: ++this.seq, at: new Date().toISOString(), ...entry };
    this.items.push(full);
    if (this.items.length - this.start > this.limit) {
      this.start = this.items.length - this.limit;
      if (this.start >= this.limit) {
        this.items = this.items.slice(this.start);
        this.start = 0;
      }
    }
    return full;
  }

  /** Entries in arrival order, optionally only those matching every given field. */
  entries(filter: RequestLogFilter = {}): SandboxRequestLogEntry[] {
    const keys = Object.keys(filter) as (keyof RequestLogFilter)[];
    const out: SandboxRequestLogEntry[] = [];
    for (let i = this.start; i < this.items.length; i++) {
      const e = this.items[i]!;
      if (keys.every((k) => e[k] === filter[k])) out.push({ ...e });
    }
    return out;
  }

  count(filter: RequestLogFilter = {}): number {
    return this.entries(filter).length;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
  }
}
