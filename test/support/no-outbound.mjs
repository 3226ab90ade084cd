// Loaded into every test process (`npm test` passes it with --import, and through
// NODE_OPTIONS to the processes tests start): any TCP connection to a host other
// than loopback — or the hosts in TEST_ALLOWED_HOSTS — is blocked and recorded, and
// the process then exits non-zero. It is how the suite proves that no component
// phones home (Apollo usage reporting, cloud metadata probes, a CDN…).
// Plain JavaScript so it loads before any TypeScript loader.
import net from 'node:net';

const KEY = Symbol.for('odoo-crm-supergraph.no-outbound');

if (!globalThis[KEY]) {
  const violations = [];
  const allowed = new Set((process.env.TEST_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
  const isLoopback = (host) => {
    const h = String(host ?? 'localhost').toLowerCase().replace(/^\[|\]$/g, '');
    return h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127\./.test(h) || h === '::ffff:127.0.0.1' || allowed.has(h);
  };
  const target = (args) => {
    const [first, second] = Array.isArray(args[0]) ? args[0] : args;
    // An options object is TCP when it names a port or host (HTTP clients pass their URL's `path` along too); else an IPC path.
    if (first && typeof first === 'object') return first.port != null || first.host != null ? { host: first.host, port: first.port } : null;
    if (typeof first === 'string' && !/^\d+$/.test(first)) return null; // an IPC path
    return { host: typeof second === 'string' ? second : 'localhost', port: first };
  };
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const t = target(args);
    if (t && !isLoopback(t.host)) {
      const violation = `${t.host}:${t.port}`;
      violations.push(violation);
      const error = Object.assign(new Error(`outbound connection to ${violation} blocked: tests reach loopback only (test/support/no-outbound.mjs)`), { code: 'ECONNREFUSED' });
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  };
  globalThis[KEY] = { violations };
  process.on('exit', (code) => {
    if (violations.length && code === 0) {
      process.stderr.write(`\nno-outbound: blocked connection(s) to ${[...new Set(violations)].join(', ')}\n`);
      process.exitCode = 1;
    }
  });
}

/** Hosts a connection was attempted to, in this process (tests assert it stays empty). */
export function outboundViolations() {
  return globalThis[KEY].violations;
}
