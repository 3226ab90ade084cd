// The one way configuration is read: a zod schema over the environment, checked
// at start-up. A bad value stops the process with CONFIG_INVALID naming every
// offending variable (the first one also in `details.field`), never its value.
import { inspect } from 'node:util';
import type { z } from 'zod';
import { appError, type SystemName } from '../policy/errors.ts';

export type Env = Record<string, string | undefined>;

export function parseEnv<T extends z.ZodType>(schema: T, env: Env, opts: { label?: string; system?: SystemName } = {}): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`);
  const variable = String(result.error.issues[0]?.path[0] ?? '?');
  const label = opts.label ? `${opts.label} ` : '';
  throw appError('CONFIG_INVALID', `Invalid ${label}configuration — ${problems.join('; ')}`, { field: variable, ...(opts.system ? { system: opts.system } : {}) });
}

/** Makes a config object print its redacted form when logged, serialised or inspected. */
export function redactWhenPrinted<T extends object>(config: T, describe: (c: T) => unknown): T {
  Object.defineProperty(config, 'toJSON', { value: () => describe(config), enumerable: false });
  Object.defineProperty(config, inspect.custom, { value: () => describe(config), enumerable: false });
  return config;
}
