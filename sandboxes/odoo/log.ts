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

/** The log keeps the most recent entries only. */
const LOG_LIMIT = 10_000;

export class RequestLog {
  private items: RequestLogEntry[] = [];
  /**
   * Entries before this index have aged out. Dropping the oldest entry by splice moved
   * the other 9,999 on every call once the log was full; the aged ones are cut off
   * in one slice every LOG_LIMIT calls instead.
   */
  private start = 0;
  private seq = 0;

  record(entry: Omit<RequestLogEntry, 'seq' | 'at'>): RequestLogEntry {
    const e: RequestLogEntry = { seq: ++this.seq, at: new Date().toISOString(), ...entry };
    this.items.push(e);
    if (this.items.length - this.start > LOG_LIMIT) {
      this.start = this.items.length - LOG_LIMIT;
      if (this.start >= LOG_LIMIT) {
        this.items = this.items.slice(this.start);
        this.start = 0;
      }
    }
    return e;
  }
  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    for (let i = this.start; i < this.items.length; i++) if (matches(this.items[i]!, filter)) out.push(structuredClone(this.items[i]!));
    return out;
  }
  count(filter: RequestLogFilter = {}): number {
    let n = 0;
    for (let i = this.start; i < this.items.length; i++) if (matches(this.items[i]!, filter)) n++;
    return n;
  }
  clear(): void {
    this.items = [];
    this.start = 0;
  }
}

function matches(e: RequestLogEntry, filter: RequestLogFilter): boolean {
  return (!filter.transport || e.transport === filter.transport) && (!filter.model || e.model === filter.model) && (!filter.method || e.method === filter.method);
}
