// Process entry points share one behaviour: a configuration error prints the one
// line that names the variable and exits 1; anything else is logged and exits 1.
import { isAppError } from '../policy/errors.ts';

export function runMain(component: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (isAppError(e) && e.code === 'CONFIG_INVALID') console.error(`${component}: ${e.message}`);
    else console.error(`${component}: failed to start:`, e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
