// The browser explorer (GraphiQL), served by the gateway in development only, from
// the npm packages on disk — no CDN, so it works offline and makes no request to
// any host but the gateway. A developer pastes a token once (kept in the page's
// localStorage) and it is sent as the Authorization header of every request.
// `?query=…&variables=…` opens a query, which is how the README links examples.
import type http from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const EXPLORER_PATH = '/explorer';

const require = createRequire(import.meta.url);
/** react and react-dom export no subpaths: their UMD builds are found next to their package.json. */
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const ASSETS: Record<string, { file: () => string; type: string }> = {
  'react.production.min.js': { file: () => join(packageDir('react'), 'umd', 'react.production.min.js'), type: 'text/javascript' },
  'react-dom.production.min.js': { file: () => join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.min.js': { file: () => join(packageDir('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { file: () => join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
};

/** The token lives in this page's localStorage under this key. */
export const TOKEN_STORAGE_KEY = 'odoo-crm-supergraph.token';

const DEFAULT_QUERY = `# Paste a development token above (npm start prints one per role), then run:
query OrderStatus {
  order(number: "S00042") { number state account { name } }
}
`;

/** The page's own script (a file, not inline, so the page runs under a strict Content-Security-Policy). */
const PAGE_SCRIPT = `(function () {
  var KEY = ${JSON.stringify(TOKEN_STORAGE_KEY)};
  var params = new URLSearchParams(location.search);
  var input = document.getElementById('token');
  var state = document.getElementById('token-state');
  var token = localStorage.getItem(KEY) || '';
  input.value = token;
  var generation = 0;
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  function show() { state.textContent = token ? 'token saved in this browser' : 'no token: requests are refused (401)'; }
  function fetcher(body) {
    var headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    return fetch('/graphql', { method: 'POST', headers: headers, body: JSON.stringify(body) }).then(function (r) { return r.json(); });
  }
  function render() {
    // A new key remounts GraphiQL, so the schema is fetched again with the new token.
    root.render(React.createElement(GraphiQL, {
      key: generation,
      fetcher: fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      query: params.get('query') || undefined,
      variables: params.get('variables') || undefined,
      defaultEditorToolsVisibility: params.has('variables'),
    }));
  }
  document.getElementById('token-form').addEventListener('submit', function (e) {
    e.preventDefault();
    token = input.value.trim().replace(/^Bearer\\s+/i, '');
    if (token) localStorage.setItem(KEY, token); else localStorage.removeItem(KEY);
    generation++;
    show();
    render();
  });
  show();
  render();
})();
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>odoo-crm-supergraph explorer</title>
<link rel="stylesheet" href="${EXPLORER_PATH}/graphiql.min.css">
<style>
  body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  #token-form { display: flex; gap: .5em; align-items: center; padding: .4em .8em; border-bottom: 1px solid #ddd; font-size: 14px; }
  #token { flex: 1; font-family: monospace; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<form id="token-form">
  <label for="token">Token</label>
  <input id="token" name="token" type="password" autocomplete="off" placeholder="paste a development token (npm start prints one per role)">
  <button type="submit" id="token-save">Use token</button>
  <span id="token-state"></span>
</form>
<div id="graphiql"></div>
<script src="${EXPLORER_PATH}/react.production.min.js"></script>
<script src="${EXPLORER_PATH}/react-dom.production.min.js"></script>
<script src="${EXPLORER_PATH}/graphiql.min.js"></script>
<script src="${EXPLORER_PATH}/explorer.js"></script>
</body>
</html>
`;

/** Only this origin: a page that loads nothing from elsewhere and talks only to its gateway. GraphiQL sets inline styles; its fonts are data: URLs. */
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const cache = new Map<string, Buffer>();

function send(res: http.ServerResponse, type: string, body: Buffer | string, cacheable: boolean): void {
  res.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': cacheable ? 'public, max-age=3600' : 'no-cache',
  });
  res.end(body);
}

/** Serves the explorer and its assets; false for any other URL. Mount it only outside production. */
export function serveExplorer(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (pathname === EXPLORER_PATH || pathname === `${EXPLORER_PATH}/`) {
    send(res, 'text/html', PAGE, false);
    return true;
  }
  if (pathname === `${EXPLORER_PATH}/explorer.js`) {
    send(res, 'text/javascript', PAGE_SCRIPT, false);
    return true;
  }
  if (!pathname.startsWith(`${EXPLORER_PATH}/`)) return false;
  const name = pathname.slice(EXPLORER_PATH.length + 1);
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name]! : undefined;
  if (!asset) return false;
  let body = cache.get(name);
  if (!body) {
    body = readFileSync(asset.file());
    cache.set(name, body);
  }
  send(res, asset.type, body, true);
  return true;
}
