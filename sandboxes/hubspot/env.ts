// The sandbox's portal settings from the environment, for the processes that start
// it (sandboxes/hubspot/main.ts, scripts/stack.ts): the same defaults as a real
// portal unless a variable says otherwise.
import { HUBSPOT_TIERS, type HubSpotSandboxOptions, type HubSpotTier } from './server.ts';

function nonNegativeInt(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * HUBSPOT_SANDBOX_TIER (starter | professional | enterprise | capacity_pack),
 * HUBSPOT_SANDBOX_RATE_LIMITS (on | off: off only counts and sends the headers),
 * HUBSPOT_SANDBOX_SEARCH_DELAY_MS (ms until a write shows in search).
 */
export function hubspotSandboxOptionsFromEnv(env: Record<string, string | undefined> = process.env): Pick<HubSpotSandboxOptions, 'rateLimit' | 'searchDelayMs'> {
  const out: Pick<HubSpotSandboxOptions, 'rateLimit' | 'searchDelayMs'> = { rateLimit: {} };
  const tier = env.HUBSPOT_SANDBOX_TIER?.trim();
  if (tier) {
    if (!(tier in HUBSPOT_TIERS)) throw new Error(`HUBSPOT_SANDBOX_TIER must be one of ${Object.keys(HUBSPOT_TIERS).join(', ')}, got ${JSON.stringify(tier)}`);
    out.rateLimit!.tier = tier as HubSpotTier;
  }
  const enforce = env.HUBSPOT_SANDBOX_RATE_LIMITS?.trim();
  if (enforce) {
    if (enforce !== 'on' && enforce !== 'off') throw new Error(`HUBSPOT_SANDBOX_RATE_LIMITS must be on or off, got ${JSON.stringify(enforce)}`);
    out.rateLimit!.enforce = enforce === 'on';
  }
  const delay = nonNegativeInt(env, 'HUBSPOT_SANDBOX_SEARCH_DELAY_MS');
  if (delay !== undefined) out.searchDelayMs = delay;
  return out;
}
