// One logger for every component. Secrets and personal data never reach a log
// line (R6): credentials, tokens and contact details are redacted by path, and
// code logs ids and counts, not payloads.
import { pino, type Logger } from 'pino';

const REDACT = [
  'authorization', 'headers.authorization', 'req.headers.authorization', '*.authorization',
  'apiKey', '*.apiKey', 'token', '*.token', 'accessToken', '*.accessToken', 'password', '*.password',
  'email', '*.email', 'phone', '*.phone', 'vat', '*.vat',
];

export function createLogger(component: string, level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info')): Logger {
  return pino({ name: component, level, redact: { paths: REDACT, censor: '[redacted]' } });
}

export type { Logger };
