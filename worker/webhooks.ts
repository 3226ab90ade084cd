// Inbound change hints. Both endpoints authenticate their caller, then only say
// "record X of model M changed": the payload's field values are never used — the
// flow re-reads the record from its owner when the job runs.
//
// Odoo 17+ automation rule "Send Webhook Notification": POST {_action, _id, _model,
// …fields}, once, 1 s timeout, no retry, no signature (MISSION §6). The rule's URL
// carries the shared secret (…/webhooks/odoo?token=…); a missed call is caught by
// the next poll.
// HubSpot webhooks: a JSON array of events, signed with X-HubSpot-Signature-v3 =
// base64(HMAC-SHA256(app secret, method + URI + body + timestamp)), refused when
// X-HubSpot-Request-Timestamp is more than 5 minutes away (docs/reference §15).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const HUBSPOT_SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const HUBSPOT_TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
/** HubSpot's own window (official SDKs: MAX_ALLOWED_TIMESTAMP = 300000). */
export const HUBSPOT_MAX_SKEW_MS = 300_000;

/** Equal-time comparison of two secrets of any length (hashing first makes the lengths equal). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function hubspotSignatureV3(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

export type HubSpotVerdict = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'signature' };

export function verifyHubSpotRequest(args: {
  secret: string; method: string; uri: string; body: string; signature: string | undefined; timestamp: string | undefined; now: number;
}): HubSpotVerdict {
  if (!args.signature || !args.timestamp) return { ok: false, reason: 'missing' };
  const ts = Number(args.timestamp);
  if (!Number.isFinite(ts) || Math.abs(args.now - ts) > HUBSPOT_MAX_SKEW_MS) return { ok: false, reason: 'stale' };
  const expected = hubspotSignatureV3(args.secret, args.method, args.uri, args.body, args.timestamp);
  return secretsEqual(args.signature, expected) ? { ok: true } : { ok: false, reason: 'signature' };
}

/** What an Odoo automation rule sends; extra fields (the record's values) are ignored on purpose. */
export const odooWebhookSchema = z.object({
  _model: z.string().regex(/^[a-z_][a-z0-9_.]{0,63}$/),
  _id: z.coerce.number().int().positive(),
  _action: z.string().max(200).optional(),
});

const hubspotEventSchema = z.object({
  objectId: z.coerce.number().int().positive(),
  subscriptionType: z.string().max(100).optional(),
  objectTypeId: z.string().max(20).optional(),
  occurredAt: z.coerce.number().int().positive(),
});
export const hubspotWebhookSchema = z.array(z.looseObject(hubspotEventSchema.shape)).min(1).max(1_000);

/**
 * HubSpot's object of an event, as the canonical CRM kind the crm-sourced flows name
 * their models by (connectors/crm/hubspot/canonical.ts OBJECT_TYPE, inverted).
 */
const HUBSPOT_KIND: Record<string, string> = {
  company: 'account', contact: 'contact', deal: 'deal', quote: 'quote', line_item: 'quoteLine', product: 'product',
  '0-2': 'account', '0-1': 'contact', '0-3': 'deal', '0-14': 'quote', '0-8': 'quoteLine', '0-7': 'product',
};

export function hubspotEventKind(e: { subscriptionType?: string; objectTypeId?: string }): string | undefined {
  if (e.objectTypeId && HUBSPOT_KIND[e.objectTypeId]) return HUBSPOT_KIND[e.objectTypeId];
  const prefix = e.subscriptionType?.split('.')[0];
  return prefix ? HUBSPOT_KIND[prefix] : undefined;
}
