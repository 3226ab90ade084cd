// Several replicas of every component as real child processes, started from their
// production entry points (the same `main.ts` files the Dockerfile runs). Each is
// given a random port below the kernel's ephemeral range and the harness trusts only
// the URL the child itself logs (so another process that happened to hold the port can
// never answer /health for ours; EADDRINUSE on a first start draws another port). A
// restart binds the port the first run got, because the gateways name it. Ports come
// from below the ephemeral range because a port freed by a SIGKILL and taken from the
// ephemeral range is soon reused by the machine's own outgoing connections as their
// local port, and the restart then fails with EADDRINUSE (seen in CI, three suites at once):
//
//   odoo-sandbox, hubspot-sandbox                       one each (the backends)
//   odoo-subgraph-N, crm-subgraph-N, writes-subgraph-N  N = 1..replicas
//   gateway-N                                           routes to subgraph set N
//   worker-N                                            N = 1..workers
//
// Gateway N routes to subgraph set N because a gateway names one URL per subgraph
// (supergraph routing_url); in a deployment that URL is a load balancer or a
// service name with several replicas behind it. Pairing them here keeps the test
// deterministic about which writes instance a call reaches: calls spread over both
// gateways reach both writes instances, and killing writes-subgraph-1 leaves
// gateway-2 as the way round, as a client retrying elsewhere would find.
//
// Every process shares one store and, when configured, one Redis (sharedStateEnv):
//   embedded default   STORE_PATH: one SQLite file in a temp directory (one host, as documented);
//   TEST_STORE=postgres STORE_URL: a fresh PostgreSQL database made through TEST_POSTGRES_URL
//                       (default the local server), dropped afterwards, and REDIS_URL
//                       (TEST_REDIS_URL, default the local Redis) with a unique REDIS_KEY_PREFIX,
//                       whose keys are deleted afterwards.
// `env` overlays every component's environment (a test of one setting passes it there).
//
// Each child's stdout/stderr goes to a file in the temp directory; `logs()` prints
// their tails (the test does so when it fails). `close()` stops every child
// (SIGTERM, then SIGKILL) and removes what was created; an exit handler kills any
// child left if the test process itself dies.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEV_AUDIENCE, DEV_ISSUER, signCallerToken, type Role } from '../../core/identity.ts';
import { REQUEST_ID_HEADER } from '../../core/http.ts';
import { buildWorld, SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS, type World } from '../../sandboxes/seed/index.ts';
import { protocolsOf, sandboxVersionFromEnv } from '../../sandboxes/odoo/versions.ts';
import { loadOdooConfig } from '../../connectors/odoo/config.ts';
import { createOdooClient, type OdooClient } from '../../connectors/odoo/odoo-client.ts';
import { postGraphQL, type Caller, type GraphQLResponse } from './stack.ts';
import { TEST_REDIS_COMMAND_TIMEOUT_MS, TEST_REDIS_URL } from './redis.ts';

const ROOT = resolve(import.meta.dirname, '../..');

const ENTRY = {
  'odoo-sandbox': 'sandboxes/odoo/main.ts',
  'hubspot-sandbox': 'sandboxes/hubspot/main.ts',
  'odoo-subgraph': 'subgraphs/odoo/main.ts',
  'crm-subgraph': 'subgraphs/crm/main.ts',
  'writes-subgraph': 'subgraphs/writes/main.ts',
  gateway: 'gateway/main.ts',
  worker: 'worker/main.ts',
} as const;
type Kind = keyof typeof ENTRY;

/** Where each kind answers its liveness probe (the Dockerfile's HEALTHCHECK_URL paths). */
const HEALTH: Record<Kind, string> = {
  'odoo-sandbox': '/__sandbox/health',
  'hubspot-sandbox': '/__sandbox/health',
  'odoo-subgraph': '/health',
  'crm-subgraph': '/health',
  'writes-subgraph': '/health',
  gateway: '/health',
  worker: '/health',
};

/** Which environment variable carries each kind's port. */
const PORT_VAR: Record<Kind, string> = {
  'odoo-sandbox': 'ODOO_SANDBOX_PORT',
  'hubspot-sandbox': 'HUBSPOT_SANDBOX_PORT',
  'odoo-subgraph': 'ODOO_SUBGRAPH_PORT',
  'crm-subgraph': 'CRM_SUBGRAPH_PORT',
  'writes-subgraph': 'WRITES_SUBGRAPH_PORT',
  gateway: 'GATEWAY_PORT',
  worker: 'WORKER_PORT',
};

export interface ReplicaOptions {
  /** Instances of each subgraph and gateways (default 2). */
  replicas?: number;
  /** Sync workers (default 2; 0 for none). */
  workers?: number;
  /** Overlays every component's environment (after the harness's own settings). */
  env?: Record<string, string>;
  /** Per component kind, applied after `env`. */
  kindEnv?: Partial<Record<Kind, Record<string, string>>>;
  /**
   * Runs in the test process with the components' environment before any component but the
   * sandboxes starts: e.g. opens the store (which migrates it) and moves the sync cursors.
   */
  prepare?: (env: Record<string, string>) => Promise<void> | void;
}

interface Child {
  name: string;
  kind: Kind;
  /** 0 until the first run has logged where it listens. */
  port: number;
  /** Where the current run's output starts in the log file. */
  logOffset: number;
  env: Record<string, string>;
  logFile: string;
  process: ChildProcess | null;
}

export interface Replicas {
  world: World;
  dir: string;
  /** What every component got (backends, store, Redis, this run's secrets). */
  env: Record<string, string>;
  /** `engine`: which shared store/Redis this run uses. */
  engine: 'embedded' | 'postgres';
  urls: {
    odooSandbox: string;
    hubspotSandbox: string;
    gateways: string[];
    workers: string[];
    subgraphs: { odoo: string[]; crm: string[]; writes: string[] };
  };
  /** Component names, e.g. gateway-1, writes-subgraph-2, worker-1, odoo-sandbox. */
  names(): string[];
  isRunning(name: string): boolean;
  /** SIGKILL (no shutdown hook runs), resolved once the process is gone. */
  kill(name: string): Promise<void>;
  /** Starts the component again on its port with its environment; resolves when it answers /health. */
  restart(name: string): Promise<void>;
  /** A caller token for the embedded identity (what `npm run token` prints). */
  token(caller: Caller): Promise<string>;
  /** A GraphQL request through gateway `index` (0-based) as `as`; `requestId` is sent as X-Request-Id. */
  query<T = any>(index: number, query: string, variables?: Record<string, unknown>, as?: Caller, requestId?: string): Promise<GraphQLResponse<T>>;
  /** The production Odoo connector, pointed at the sandbox (to change data as a user of Odoo would). */
  odoo: OdooClient;
  /** The Odoo sandbox's ORM request log (its admin endpoint). */
  odooRequests(filter?: { model?: string; method?: string }): Promise<Array<{ seq: number; model: string; method: string; requestId?: string; ids?: number[]; params?: Record<string, unknown> }>>;
  /** The HubSpot sandbox's API request log (its admin endpoint). */
  hubspotRequests(filter?: Record<string, string>): Promise<Array<{ seq: number; operation: string; objectType?: string; requestId?: string; status?: number }>>;
  /** Adds a fault rule to a sandbox (its admin endpoint); returns the rule ids to remove later. */
  odooFault(rule: Record<string, unknown>): Promise<number[]>;
  clearOdooFaults(): Promise<void>;
  /** Every object of a HubSpot type, through the v3 list API, with the given properties. */
  hubspotList(objectType: string, properties: string[]): Promise<Array<{ id: string; properties: Record<string, string | null> }>>;
  /** A worker's /stats (the shared queue's counts). */
  workerStats(index?: number): Promise<{ total: Record<string, number> }>;
  /** Tails of every child's output, for a failure report. */
  logs(lines?: number): string;
  /** Everything a component wrote so far (all its runs), e.g. to find a log line. */
  output(name: string): string;
  close(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that dies (assertion crash, timeout kill) leaves no component behind.
  process.once('exit', () => {
    for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
}

/**
 * The shared servers of this run. TEST_STORE=postgres selects PostgreSQL (a database
 * made for this run) and Redis; otherwise the embedded SQLite file. The variables are
 * the ones the components read (store/config.ts STORE_URL|STORE_PATH, core/redis.ts REDIS_URL,
 * REDIS_KEY_PREFIX), so flipping the engine is one environment variable of the test run.
 */
async function sharedStateEnv(dir: string, id: string): Promise<{ env: Record<string, string>; engine: Replicas['engine']; cleanup: () => Promise<void> }> {
  if (process.env.TEST_STORE !== 'postgres') {
    return { env: { STORE_PATH: join(dir, 'store.sqlite') }, engine: 'embedded', cleanup: async () => {} };
  }
  const pg = await import('pg');
  const admin = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `replicas_${id}`;
  const client = new pg.default.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  const storeUrl = new URL(admin);
  storeUrl.pathname = `/${database}`;
  const prefix = `replicas-${id}:`;
  return {
    env: { STORE_URL: storeUrl.toString(), REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: String(TEST_REDIS_COMMAND_TIMEOUT_MS) },
    engine: 'postgres',
    async cleanup() {
      const drop = new pg.default.Client({ connectionString: admin });
      await drop.connect();
      try {
        await drop.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } finally {
        await drop.end();
      }
      const { createClient } = await import('@redis/client');
      const redis = createClient({ url: TEST_REDIS_URL });
      await redis.connect();
      try {
        const keys: string[] = [];
        for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...(Array.isArray(batch) ? batch : [batch]));
        if (keys.length) await redis.del(keys);
      } finally {
        await redis.quit();
      }
    },
  };
}

/** Lowest port of the kernel's ephemeral range (the local ports outgoing connections get). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 12_000) return low;
  } catch {
    // not Linux: IANA's dynamic range starts at 49152
  }
  return 49_152;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const srv = createServer();
    srv.once('error', () => ok(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
  });
}

/** A port free now, at random between 10000 and the ephemeral range. */
async function drawPort(): Promise<number> {
  const high = ephemeralLow();
  for (let i = 0; i < 100; i++) {
    const port = 10_000 + Math.floor(Math.random() * (high - 10_000));
    if (await canListen(port)) return port;
  }
  throw new Error('no free port below the ephemeral range after 100 draws');
}

async function untilFree(port: number, deadline: number): Promise<void> {
  while (!(await canListen(port))) {
    if (Date.now() > deadline) throw new Error(`port ${port} still taken`);
    await sleep(200);
  }
}

export async function startReplicas(opts: ReplicaOptions = {}): Promise<Replicas> {
  installExitHook();
  const replicas = opts.replicas ?? 2;
  const workerCount = opts.workers ?? 2;
  const id = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'replicas-'));
  const world = buildWorld();
  const shared = await sharedStateEnv(dir, id);
  const children = new Map<string, Child>();
  const callerSecret = randomBytes(32).toString('hex');

  // The Odoo version imitated follows ODOO_SANDBOX_VERSION like every other suite run (CI runs 16, 18, 19).
  const odooVersion = sandboxVersionFromEnv();
  const common: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    // The no-outbound guard of the test run (test/support/no-outbound.mjs) applies to every child too.
    ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
    NODE_ENV: 'test',
    APOLLO_TELEMETRY_DISABLED: 'true',
    // Info: the line saying where a component listens is how the harness finds it.
    LOG_LEVEL: 'info',
    ODOO_SANDBOX_VERSION: String(odooVersion),
    // The sandbox enforces a real portal's 10-second and search limits by default; several
    // workers and writers over one portal here would measure the limiter, not the replicas.
    HUBSPOT_SANDBOX_RATE_LIMITS: 'off',
  };
  let base: Record<string, string> = { ...common, ...opts.env };

  const add = (kind: Kind, n: number | null, extra: Record<string, string> = {}) => {
    const name = n === null ? kind : `${kind}-${n}`;
    const env = { ...base, ...extra, ...opts.kindEnv?.[kind] };
    const child: Child = { name, kind, port: 0, logOffset: 0, env, logFile: join(dir, `${name}.log`), process: null };
    children.set(name, child);
    return child;
  };

  const url = (c: Child) => `http://127.0.0.1:${c.port}`;

  /** The port this run of `c` says it listens on (sandboxes print it, components log it as `url`). */
  function listeningPort(c: Child): number | null {
    let text = '';
    try {
      text = readFileSync(c.logFile, 'utf8').slice(c.logOffset);
    } catch {
      return null;
    }
    const line = text.split('\n').find((l) => /listening|worker running/.test(l));
    const m = line ? /(?:"url":"|listening on )http:\/\/127\.0\.0\.1:(\d+)/.exec(line) : null;
    return m ? Number(m[1]) : null;
  }

  async function waitHealthy(c: Child): Promise<void> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const p = c.process;
      if (!p || p.exitCode !== null || p.signalCode !== null) {
        // The port was free when drawn but taken before the child bound it: draw again on a
        // first start; a restart must keep its port (the gateways name it), so it waits for it.
        if (/EADDRINUSE/.test(readFileSync(c.logFile, 'utf8').slice(c.logOffset)) && Date.now() < deadline) {
          if (!c.port) c.env[PORT_VAR[c.kind]] = String(await drawPort());
          else await untilFree(c.port, deadline);
          launch(c);
          continue;
        }
        throw new Error(`${c.name} exited before it was healthy:\n${tail(c, 40)}`);
      }
      const port = listeningPort(c);
      if (port) {
        if (String(port) !== c.env[PORT_VAR[c.kind]]) throw new Error(`${c.name} listens on port ${port}, not the ${c.env[PORT_VAR[c.kind]]} it was given`);
        c.port = port;
        try {
          const res = await fetch(`${url(c)}${HEALTH[c.kind]}`, { signal: AbortSignal.timeout(2_000) });
          if (res.ok) return;
        } catch {
          // listening, not answering yet
        }
      }
      if (Date.now() > deadline) throw new Error(`${c.name} not healthy after 90 s:\n${tail(c, 40)}`);
      await sleep(100);
    }
  }

  function launch(c: Child): void {
    let size = 0;
    try {
      size = statSync(c.logFile).size;
    } catch {
      // first run
    }
    c.logOffset = size;
    const fd = openSync(c.logFile, 'a');
    const p = spawn(process.execPath, ['--import', 'tsx', ENTRY[c.kind]], { cwd: ROOT, env: c.env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    live.add(p);
    p.once('exit', () => live.delete(p));
    c.process = p;
  }

  const start = async (list: Child[]) => {
    for (const c of list) {
      if (!c.port) c.env[PORT_VAR[c.kind]] = String(await drawPort());
      launch(c);
    }
    await Promise.all(list.map(waitHealthy));
  };

  function tail(c: Child, lines: number): string {
    let text = '';
    try {
      text = readFileSync(c.logFile, 'utf8');
    } catch {
      return '(no output)';
    }
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  const stopAll = async (signal: NodeJS.Signals) => {
    const running = [...children.values()].map((c) => c.process).filter((p): p is ChildProcess => !!p && p.exitCode === null && p.signalCode === null);
    await Promise.all(running.map((p) => new Promise<void>((ok) => {
      const t = setTimeout(() => {
        p.kill('SIGKILL');
      }, 5_000);
      p.once('exit', () => {
        clearTimeout(t);
        ok();
      });
      p.kill(signal);
    })));
  };

  let odooSandbox = '';
  let hubspotSandbox = '';
  let odoo: OdooClient | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await odoo?.close();
    await stopAll('SIGTERM');
    try {
      await shared.cleanup();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    const sandboxes = [add('odoo-sandbox', null), add('hubspot-sandbox', null)];
    // The store is prepared (migrated, cursors set) by the test process while the sandboxes start.
    await Promise.all([start(sandboxes), opts.prepare?.({ ...common, ...shared.env, ...opts.env })]);
    odooSandbox = url(sandboxes[0]!);
    hubspotSandbox = url(sandboxes[1]!);
    base = {
      ...common,
      // Secrets of this run, as a deployment sets its own: the public development ones are refused outside `npm start`.
      AUTH_JWT_SECRET: callerSecret, INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
      ODOO_URL: odooSandbox, ODOO_DB: world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey,
      ODOO_PROTOCOL: protocolsOf(odooVersion)[0]!, ODOO_MAX_RETRIES: '1', ODOO_TIMEOUT_MS: '5000',
      HUBSPOT_BASE_URL: hubspotSandbox, HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN, HUBSPOT_MAX_RETRIES: '1', HUBSPOT_TIMEOUT_MS: '5000',
      // A dead attempt's key and a dead worker's jobs are taken over within seconds, not the production 15 s / 60 s.
      IDEMPOTENCY_LEASE_MS: '5000', IDEMPOTENCY_WAIT_MS: '8000',
      WORKER_FLOWS: 'order-status', WORKER_POLL_MS: '500', WORKER_TICK_MS: '100', WORKER_LEASE_MS: '6000', WORKER_BATCH_SIZE: '4',
      WORKER_BACKOFF_BASE_MS: '50', WORKER_BACKOFF_MAX_MS: '400',
      ...shared.env,
      ...opts.env,
    };
    odoo = createOdooClient(loadOdooConfig(base));
    // Subgraphs and workers need only the sandboxes; the gateways need the subgraphs' URLs.
    const sets: Array<{ odoo: Child; crm: Child; writes: Child }> = [];
    for (let i = 1; i <= replicas; i++) sets.push({ odoo: add('odoo-subgraph', i), crm: add('crm-subgraph', i), writes: add('writes-subgraph', i) });
    const workers: Child[] = [];
    for (let i = 1; i <= workerCount; i++) workers.push(add('worker', i));
    await start([...sets.flatMap((s) => [s.odoo, s.crm, s.writes]), ...workers]);
    const gateways: Child[] = [];
    for (let i = 1; i <= replicas; i++) {
      const s = sets[i - 1]!;
      gateways.push(add('gateway', i, {
        GATEWAY_SUBGRAPH_ODOO_URL: `${url(s.odoo)}/graphql`, GATEWAY_SUBGRAPH_CRM_URL: `${url(s.crm)}/graphql`, GATEWAY_SUBGRAPH_WRITES_URL: `${url(s.writes)}/graphql`,
      }));
    }
    await start(gateways);

    const admin = async (base: string, path: string, init?: RequestInit) => {
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : {};
    };

    const self: Replicas = {
      world, dir, env: base, engine: shared.engine,
      urls: {
        odooSandbox, hubspotSandbox,
        gateways: gateways.map((g) => `${url(g)}/graphql`),
        workers: workers.map(url),
        subgraphs: { odoo: sets.map((s) => `${url(s.odoo)}/graphql`), crm: sets.map((s) => `${url(s.crm)}/graphql`), writes: sets.map((s) => `${url(s.writes)}/graphql`) },
      },
      names: () => [...children.keys()],
      isRunning(name) {
        const p = children.get(name)?.process;
        return !!p && p.exitCode === null && p.signalCode === null;
      },
      async kill(name) {
        const c = children.get(name);
        if (!c) throw new Error(`no component ${name}; known: ${[...children.keys()].join(', ')}`);
        const p = c.process;
        if (!p || p.exitCode !== null || p.signalCode !== null) return;
        await new Promise<void>((ok) => {
          p.once('exit', () => ok());
          p.kill('SIGKILL');
        });
      },
      async restart(name) {
        const c = children.get(name);
        if (!c) throw new Error(`no component ${name}`);
        if (self.isRunning(name)) await self.kill(name);
        await start([c]);
      },
      token: (caller) => {
        const roles: Role[] = caller.roles ?? [caller.role];
        return signCallerToken({ sub: caller.sub ?? `test-${roles.join('+')}`, roles, accountId: caller.accountId, companyIds: caller.companyIds, scope: caller.scope, crmOwnerId: caller.crmOwnerId }, callerSecret, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
      },
      async query(index, query, variables = {}, as = { role: 'finance' }, requestId) {
        const headers: Record<string, string> = { authorization: `Bearer ${await self.token(as)}` };
        if (requestId) headers[REQUEST_ID_HEADER] = requestId;
        return postGraphQL(self.urls.gateways[index]!, query, variables, headers);
      },
      odoo: odoo!,
      async odooRequests(filter = {}) {
        const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as Array<[string, string]>);
        return (await admin(odooSandbox, `/__sandbox/requests?${q}`)).requests;
      },
      async hubspotRequests(filter = {}) {
        return (await admin(hubspotSandbox, `/__sandbox/requests?${new URLSearchParams(filter)}`)).requests;
      },
      async odooFault(rule) {
        return (await admin(odooSandbox, '/__sandbox/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) })).ids;
      },
      async clearOdooFaults() {
        await admin(odooSandbox, '/__sandbox/faults', { method: 'DELETE' });
      },
      async hubspotList(objectType, properties) {
        const out: Array<{ id: string; properties: Record<string, string | null> }> = [];
        let after: string | undefined;
        do {
          const q = new URLSearchParams({ limit: '100', properties: properties.join(','), ...(after ? { after } : {}) });
          const res = await fetch(`${hubspotSandbox}/crm/v3/objects/${objectType}?${q}`, { headers: { authorization: `Bearer ${SANDBOX_HUBSPOT_TOKEN}` } });
          if (!res.ok) throw new Error(`HubSpot list ${objectType}: ${res.status}`);
          const body = (await res.json()) as { results: typeof out; paging?: { next?: { after: string } } };
          out.push(...body.results);
          after = body.paging?.next?.after;
        } while (after);
        return out;
      },
      async workerStats(index = workers.length - 1) {
        return admin(self.urls.workers[index]!, '/stats');
      },
      output(name) {
        const c = children.get(name);
        if (!c) throw new Error(`no component ${name}`);
        try {
          return readFileSync(c.logFile, 'utf8');
        } catch {
          return '';
        }
      },
      logs(lines = 60) {
        return [...children.values()].map((c) => `----- ${c.name} (port ${c.port}, ${self.isRunning(c.name) ? 'running' : 'stopped'})\n${tail(c, lines)}`).join('\n');
      },
      close,
    };
    return self;
  } catch (e) {
    const report = [...children.values()].map((c) => `----- ${c.name}\n${tail(c, 30)}`).join('\n');
    await close();
    throw new Error(`${(e as Error).message}\n${report}`);
  }
}
