// `npm run sync -- --flow order-status [--since 2026-01-01] [--demo]`: runs one flow
// once (a backfill): reads its change streams from `--since` (default: its stored
// cursor), queues the changes and runs them, with a progress bar on a terminal
// and a summary of what changed. Same engine, store and idempotency as the
// worker, so running it beside the worker repeats no effect.
//   --demo   talk to the sandboxes `npm start` runs (127.0.0.1:8069 / :8090)
//   --store  SQLite file (default STORE_PATH, else .data/supergraph.sqlite)
import { parseArgs } from 'node:util';
import { runMain } from '../core/main.ts';
import { createLogger } from '../core/logger.ts';
import { openStore, loadStoreConfig } from '../store/index.ts';
import { createConfiguredCrm } from '../connectors/crm/select.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { createOdooClient } from '../connectors/odoo/odoo-client.ts';
import { createWorker } from '../worker/server.ts';
import { createFlows } from '../worker/flows/index.ts';
import { SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS, buildWorld } from '../sandboxes/seed/index.ts';

runMain('sync', async () => {
  const { values } = parseArgs({
    options: { flow: { type: 'string' }, since: { type: 'string' }, demo: { type: 'boolean', default: false }, store: { type: 'string' } },
  });
  const names = createFlows().map((f) => f.name);
  if (!values.flow || !names.includes(values.flow)) {
    console.error(`usage: npm run sync -- --flow <${names.join('|')}> [--since <ISO date>] [--demo] [--store <file>]`);
    process.exit(2);
  }
  let since: string | undefined;
  if (values.since) {
    const t = Date.parse(values.since);
    if (!Number.isFinite(t)) {
      console.error(`--since: not a date: ${values.since}`);
      process.exit(2);
    }
    since = new Date(t).toISOString();
  }
  const env: Record<string, string | undefined> = { ...process.env };
  if (values.demo) {
    Object.assign(env, {
      ODOO_URL: env.ODOO_URL ?? `http://127.0.0.1:${env.ODOO_SANDBOX_PORT ?? 8069}`, ODOO_DB: env.ODOO_DB ?? buildWorld().odoo.database,
      ODOO_LOGIN: env.ODOO_LOGIN ?? SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: env.ODOO_API_KEY ?? SANDBOX_ODOO_CREDENTIALS.apiKey,
      // JSON-RPC answers on every Odoo version the sandbox imitates (JSON-2 only on 19).
      ODOO_PROTOCOL: env.ODOO_PROTOCOL ?? 'jsonrpc',
      HUBSPOT_BASE_URL: env.HUBSPOT_BASE_URL ?? `http://127.0.0.1:${env.HUBSPOT_SANDBOX_PORT ?? 8090}`, HUBSPOT_ACCESS_TOKEN: env.HUBSPOT_ACCESS_TOKEN ?? SANDBOX_HUBSPOT_TOKEN,
    });
  }
  const storeConfig = loadStoreConfig(env);
  const store = openStore(values.store ?? storeConfig.STORE_PATH);
  const worker = createWorker({
    odoo: createOdooClient(loadOdooConfig(env)), crm: createConfiguredCrm(env), store, only: [values.flow], logger: createLogger('sync', env.LOG_LEVEL ?? 'warn'),
    idempotencyLeaseMs: storeConfig.IDEMPOTENCY_LEASE_MS, idempotencyWaitMs: storeConfig.IDEMPOTENCY_WAIT_MS,
  });
  const tty = process.stderr.isTTY;
  const bar = (done: number, total: number, label: string) => {
    if (!tty) return;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : 0;
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} `);
  };
  const polled = await worker.engine.poll(values.flow, { since, origin: 'cli', onProgress: (s) => bar(0, s.detected, 'detecting') });
  const total = (await worker.queue.stats(values.flow)).queued;
  const counts = { applied: 0, unchanged: 0, skipped: 0, retry: 0, dead: 0 };
  const effects: string[] = [];
  let done = 0;
  await worker.engine.drain({
    flows: [values.flow],
    onJob: (o) => {
      counts[o.result]++;
      if (o.result !== 'retry') done++;
      effects.push(...o.effects);
      bar(done, Math.max(total, done), 'syncing  ');
    },
  });
  if (tty) process.stderr.write('\n');
  const left = await worker.queue.stats(values.flow);
  console.log(`flow ${values.flow}${since ? ` since ${since}` : ''}
  changes detected   ${polled.detected} (${polled.enqueued} queued, ${polled.duplicates} already queued or done)
  records applied    ${counts.applied}
  already up to date ${counts.unchanged}
  not linked         ${counts.skipped}
  failed → exception ${counts.dead}
  waiting for retry  ${left.queued}${effects.length ? `\nchanges:\n${effects.slice(0, 50).map((e) => `  ${e}`).join('\n')}${effects.length > 50 ? `\n  … ${effects.length - 50} more` : ''}` : ''}`);
  store.close();
  process.exit(counts.dead > 0 || left.queued > 0 ? 1 : 0);
});
