// Canned subgraphs for measuring a gateway alone (bench/gateway-ab.ts with
// BENCH_AB_SUBGRAPHS=canned): one HTTP server per subgraph that forwards a request
// body it has not seen to the real subgraph and remembers the answer; afterwards it
// answers that body from memory. After the warm-up every subgraph answer costs a map
// lookup and a socket write, so the gateway's CPU per request is measured without
// the subgraphs' and sandboxes' work beside it on the same cores — and its profile
// is the gateway's own.
//
// The key is the subgraph and the request body (query, variables, entity
// representations): it holds while each operation is asked by one caller, as the
// bench's operations are (a subgraph's answer depends on the caller's credential too).
import http from 'node:http';
import { request, type Dispatcher } from 'undici';

export interface CannedSubgraphs {
  urls: Record<string, string>;
  /** Answers forwarded to the real subgraph (first sight of a body) and answered from memory. */
  counts: () => { forwarded: number; canned: number };
  close: () => Promise<void>;
}

/** Headers a forwarded request does not carry over: per connection. */
const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']);

export async function startCannedSubgraphs(targets: Record<string, string>, dispatcher: Dispatcher): Promise<CannedSubgraphs> {
  const answers = new Map<string, { status: number; contentType: string; text: string }>();
  let forwarded = 0;
  let canned = 0;
  const servers: http.Server[] = [];
  const urls: Record<string, string> = {};
  for (const [name, target] of Object.entries(targets)) {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const key = `${name}\n${body}`;
        let answer = answers.get(key);
        if (answer) {
          canned++;
        } else {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !HOP_BY_HOP.has(k)) headers[k] = v;
          try {
            const r = await request(target, { method: 'POST', headers, body, dispatcher });
            answer = { status: r.statusCode, contentType: String(r.headers['content-type'] ?? 'application/json'), text: await r.body.text() };
          } catch (e) {
            res.writeHead(502).end(String((e as Error).message));
            return;
          }
          forwarded++;
          // Only a clean answer is replayed: an error could be the caller's or a moment's.
          if (answer.status === 200 && !answer.text.includes('"errors"')) answers.set(key, answer);
        }
        res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.text) });
        res.end(answer.text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls[name] = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  }
  return {
    urls,
    counts: () => ({ forwarded, canned }),
    close: async () => {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}
