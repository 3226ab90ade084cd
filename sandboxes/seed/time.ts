// Time in the seed is whole epoch seconds (UTC); formatting follows the two wire
// conventions: Odoo's naive UTC 'YYYY-MM-DD HH:MM:SS' / 'YYYY-MM-DD' and HubSpot's
// ISO-8601 with milliseconds.
import type { Rng } from './prng.ts';

export type Sec = number;
export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;

export function parseIso(iso: string): Sec {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`invalid ISO date: ${iso}`);
  return Math.floor(ms / 1000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function odooDatetime(s: Sec): string {
  const d = new Date(s * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function odooDate(s: Sec): string {
  return odooDatetime(s).slice(0, 10);
}

export function isoMs(s: Sec): string {
  return new Date(s * 1000).toISOString();
}

export function year(s: Sec): number {
  return new Date(s * 1000).getUTCFullYear();
}

/** Midnight UTC of the day containing s. */
export function dayStart(s: Sec): Sec {
  return s - (((s % DAY) + DAY) % DAY);
}

/** A working-hours moment (06:30–16:30 UTC, Mon–Fri) at or after s: never earlier than s. */
export function workTime(rng: Rng, s: Sec): Sec {
  const offset = 6 * HOUR + 30 * MINUTE + rng.int(0, 10 * HOUR);
  let d = dayStart(s);
  for (let i = 0; i < 8; i++) {
    const dow = new Date(d * 1000).getUTCDay();
    if (dow !== 0 && dow !== 6) {
      if (d + offset >= s) return d + offset;
      if (d + 16 * HOUR + 30 * MINUTE >= s) return s;
    }
    d += DAY;
  }
  return s;
}

export function clamp(s: Sec, min: Sec, max: Sec): Sec {
  return Math.max(min, Math.min(max, s));
}
