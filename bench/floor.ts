// The direct floor: the subgraph requests our gateway's query plan makes for one
// operation, replayed straight to the subgraphs without any gateway. Captured once per
// operation through a recording proxy in front of each subgraph (a capture gateway,
// same code as ours, composed with the proxies' URLs), then grouped into stages the way
// the plan ran them: a request joins the current stage when it was sent before any
// request of that stage had been answered (so it cannot depend on one); otherwise it
// starts the next stage. The replay sends each stage in parallel, stages in sequence,
// with a freshly signed internal credential per subgraph (what the gateway would sign).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';

export interface Captured { subgraph: string; body: string; headers: Record<string, string>; start: number; end: number }
export type Plan = Array<Array<Pick<Captured, 'subgraph' | 'body' | 'headers'>>>;

/** Headers the replay does not copy: per connection, or set afresh per request. */
const DROP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'x-gateway-identity', 'x-request-id', 'traceparent', 'tracestate']);

export interface Recorder { urls: Record<string, string>; take: () => Captured[]; close: () => Promise<void> }

/** One recording proxy per subgraph, forwarding to `targets` (name → subgraph URL). */
export async function startRecorder(targets: Record<string, string>, dispatcher: Dispatcher): Promise<Recorder> {
  let log: Captured[] = [];
  const servers: http.Server[] = [];
  const urls: Record<string, string> = {};
  for (const [name, target] of Object.entries(targets)) {
    const server = http.createServer((req, res) => {
      const start = performance.now();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding'].includes(k)) headers[k] = v;
        try {
          const r = await request(target, { method: 'POST', headers, body, dispatcher });
          const text = await r.body.text();
          log.push({ subgraph: name, body, headers, start, end: performance.now() });
          res.writeHead(r.statusCode, { 'content-type': String(r.headers['content-type'] ?? 'application/json') });
          res.end(text);
        } catch (e) {
          res.writeHead(502).end(String((e as Error).message));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls[name] = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  }
  return {
    urls,
    take: () => { const out = log; log = []; return out; },
    close: async () => { for (const s of servers) { s.closeAllConnections(); await new Promise((r) => s.close(r)); } },
  };
}

/** Stages of the plan, from the captured timings (see the file comment). */
export function toPlan(captured: Captured[]): Plan {
  const sorted = [...captured].sort((a, b) => a.start - b.start);
  const plan: Plan = [];
  let stageEnd = -Infinity;
  for (const c of sorted) {
    if (plan.length && c.start < stageEnd) {
      plan[plan.length - 1]!.push(c);
      stageEnd = Math.min(stageEnd, c.end);
    } else {
      plan.push([c]);
      stageEnd = c.end;
    }
  }
  return plan.map((stage) => stage.map(({ subgraph, body, headers }) => ({ subgraph, body, headers })));
}

/**
 * Replays a plan once. `credential(subgraph)` gives the internal credential for the
 * caller; `substitute` rewrites literal values of the captured run (a fresh quote and
 * idempotency key per confirmQuote). Throws on an HTTP or GraphQL error, as a gateway
 * would answer with one.
 */
export async function replay(plan: Plan, subgraphUrls: Record<string, string>, credential: (subgraph: string) => Promise<string>, dispatcher: Dispatcher, substitute: Array<[string, string]> = []): Promise<void> {
  for (const stage of plan) {
    await Promise.all(stage.map(async (call) => {
      const headers: Record<string, string> = { 'x-gateway-identity': await credential(call.subgraph), 'x-request-id': randomUUID() };
      for (const [k, v] of Object.entries(call.headers)) if (!DROP.has(k)) headers[k] = v;
      let body = call.body;
      for (const [from, to] of substitute) body = body.replaceAll(from, to);
      const r = await request(subgraphUrls[call.subgraph]!, { method: 'POST', headers, body, dispatcher });
      const text = await r.body.text();
      if (r.statusCode !== 200 || text.includes('"errors"')) throw new Error(`floor ${call.subgraph}: HTTP ${r.statusCode} ${text.slice(0, 200)}`);
    }));
  }
}
