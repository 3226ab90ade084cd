// Fault switches of the HubSpot sandbox, settable in-process (`sandbox.faults.add`)
// or over the loopback admin endpoint (`POST /__sandbox/faults`). A rule applies to
// the next `times` matching API calls (all of them when `times` is absent), optionally
// only for one object type and/or one operation.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { HUBSPOT_OBJECT_TYPES } from '../../connectors/crm/hubspot/mapping/objects.ts';
import type { SandboxOperation } from './request-log.ts';

const OPERATIONS = [
  'list', 'get', 'create', 'update', 'archive', 'search',
  'batch_read', 'batch_create', 'batch_update', 'batch_upsert', 'batch_archive',
  'associations_list', 'associate', 'associations_batch_read', 'owners_list', 'owners_get',
] as const satisfies readonly SandboxOperation[];

const scope = {
  id: z.string().min(1).optional(),
  /** Only requests about this object type (for associations: either side). */
  objectType: z.enum(HUBSPOT_OBJECT_TYPES).optional(),
  operation: z.enum(OPERATIONS).optional(),
  /** Apply to the next N matching requests; absent = every matching request until removed. */
  times: z.number().int().positive().optional(),
};

export const sandboxFaultSchema = z.discriminatedUnion('kind', [
  /** Delay the answer (the request then proceeds, or meets the next fault). */
  z.object({ kind: z.literal('latency'), ms: z.number().int().nonnegative(), ...scope }),
  /** Answer a 5xx (500 as HubSpot's JSON error, 502/503/504 as the edge's HTML page) or 423 Locked. */
  z.object({
    kind: z.literal('error'),
    status: z.number().int().refine((n) => n === 423 || (n >= 500 && n <= 599), 'must be 423 or 5xx').default(500),
    ...scope,
  }),
  /** Answer 429 with HubSpot's RATE_LIMIT body and headers. */
  z.object({
    kind: z.literal('rate_limit'),
    policy: z.enum(['TEN_SECONDLY_ROLLING', 'DAILY', 'SECONDLY']).default('TEN_SECONDLY_ROLLING'),
    retryAfterSeconds: z.number().int().positive().optional(),
    ...scope,
  }),
  /** Never answer; the socket stays open until the client gives up (or the sandbox closes). */
  z.object({ kind: z.literal('hang'), ...scope }),
  /** Answer 200 with a broken payload for the objects of the scoped type. */
  z.object({
    kind: z.literal('malformed'),
    shape: z.enum(['number_property', 'missing_id', 'null_properties', 'bad_json']).default('number_property'),
    ...scope,
  }),
  /** Destroy the socket without answering (an outage as the client sees it). */
  z.object({ kind: z.literal('down'), ...scope }),
  /**
   * Carry the request out, then destroy the socket instead of answering: a write that
   * landed while its caller never learns so (a proxy or connection failing after commit).
   */
  z.object({ kind: z.literal('lost_answer'), ...scope }),
]);

export type SandboxFaultInput = z.input<typeof sandboxFaultSchema>;
export type SandboxFault = z.output<typeof sandboxFaultSchema> & { id: string };
export type SandboxFaultKind = SandboxFault['kind'];

export interface FaultMatchContext {
  operation: SandboxOperation;
  objectType?: string;
  toObjectType?: string;
}

export class FaultSwitches {
  private rules: SandboxFault[] = [];

  /** Add a rule (validated); returns it with its id. */
  add(input: SandboxFaultInput): SandboxFault {
    const parsed = sandboxFaultSchema.parse(input);
    const rule = { ...parsed, id: parsed.id ?? randomUUID() } as SandboxFault;
    this.rules.push(rule);
    return rule;
  }

  list(): SandboxFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * The rules that fire for this request, at most one per kind (first added wins),
   * each consuming one of its `times`.
   */
  take(ctx: FaultMatchContext): Map<SandboxFaultKind, SandboxFault> {
    const fired = new Map<SandboxFaultKind, SandboxFault>();
    for (const rule of this.rules) {
      if (fired.has(rule.kind)) continue;
      if (rule.operation && rule.operation !== ctx.operation) continue;
      if (rule.objectType && rule.objectType !== ctx.objectType && rule.objectType !== ctx.toObjectType) continue;
      fired.set(rule.kind, rule);
    }
    for (const rule of fired.values()) {
      if (rule.times !== undefined) {
        rule.times -= 1;
        if (rule.times <= 0) this.remove(rule.id);
      }
    }
    return fired;
  }
}
