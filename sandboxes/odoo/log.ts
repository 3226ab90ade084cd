// The sandbox's request log: one entry per ORM call received (whatever its
// outcome, faults included), never for authentication or the admin endpoints.
import type { Transport } from './faults.ts';

export interface RequestLogEntry {
  seq: number;
  at: string;
  transport: Transport;
  model: string;
  method: string;
  ids?: number[];
  domain?: unknown[];
  fields?: string[];
  context?: Record<string, unknown>;
  /** Other named parameters (limit, offset, order, vals, vals_list…). */
  params?: Record<string, unknown>;
  /** The X-Request-Id header, when sent. */
  requestId?: string;
  /** The fault kind that answered instead of the ORM, if any. */
  fault?: string;
}

export interface RequestLogFilter {
  transport?: Transport;
  model?: string;
  method?: string;
}

export class RequestLog {
  private items: RequestLogEntry[] = [];
  private seq = 0;

  record(entry: Omit<RequestLogEntry, 'seq' | 'at'>): RequestLogEntry {
    const e: RequestLogEntry = { seq: ++this.seq, at: new Date().toISOString(), ...entry };
    this.items.push(e);
    if (this.items.length > 10_000) this.items.splice(0, this.items.length - 10_000);
    return e;
  }
  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    return this.items
      .filter((e) => (!filter.transport || e.transport === filter.transport) && (!filter.model || e.model === filter.model) && (!filter.method || e.method === filter.method))
      .map((e) => structuredClone(e));
  }
  count(filter: RequestLogFilter = {}): number {
    return this.entries(filter).length;
  }
  clear(): void {
    this.items = [];
  }
}
