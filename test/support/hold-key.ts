// A second process for the crash tests: it claims an idempotency key in the store
// file given on the command line, records one step, says "holding" on stdout and
// then works forever — until the test kills it (SIGKILL: no cleanup runs).
import { openStore } from '../../store/database.ts';
import { IdempotencyStore } from '../../store/idempotency.ts';

const [path, key, leaseMs] = process.argv.slice(2);
const store = new IdempotencyStore(openStore(path!), { leaseMs: Number(leaseMs) });
void store.run({ key: key!, scope: 'confirmQuote', actor: 'rep-1', fingerprint: { quote: '1' } }, async (progress) => {
  await progress.record('odoo.create', { attempt: 'dead-attempt' });
  process.stdout.write('holding\n');
  return new Promise<never>(() => undefined);
});
