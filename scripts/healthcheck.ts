// The container HEALTHCHECK: exits 0 when HEALTHCHECK_URL (default: the gateway's
// /health on its default port) answers 2xx within 3 s, 1 otherwise. A script rather
// than curl or wget, which the slim Node image does not have.
const url = process.env.HEALTHCHECK_URL ?? `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 4000}/health`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  await res.body?.cancel();
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
