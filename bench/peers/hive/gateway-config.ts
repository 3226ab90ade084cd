// Hive Gateway in front of our subgraphs as a production deployment would run it
// (docs/other-routers.md shows this file): Hive verifies the caller's bearer JWT
// itself, with the same rules and settings as our gateway (gateway/config.ts:
// AUTH_*, INTERNAL_TOKEN_SECRET), and its own header configuration
// (`propagateHeaders`) forwards to each subgraph the request id and a credential
// only that subgraph accepts — the one our gateway signs (core/identity.ts). The
// subgraphs do not know which router called them: they accept nothing else.
//
// Why propagateHeaders and not a fetch hook: Hive deduplicates identical in-flight
// subgraph requests (@graphql-tools/executor-http, on by default). Its key is URL,
// method, body and — only when the request carries headers from the transport
// config or from `executionRequest.extensions.headers`, which is where
// propagateHeaders puts them — those headers. A header set later in an `onFetch`
// hook is not in the key, so two customers sending the same query at the same time
// would share one subgraph answer. test/supergraph-under-hive-gateway.test.ts proves
// they do not with this configuration.
//
// Written for @graphql-hive/gateway-runtime's `createGatewayRuntime` (serve.mjs,
// HIVE_AUTH=gateway); the same object goes into a Hive Gateway CLI
// `gateway.config.ts` (`defineConfig({ ...hiveGatewayConfig(), supergraph })`).
// Its types are structural so that the project type-checks without Hive installed.
import { IDENTITY_HEADER, signInternalToken, type Identity } from '../../../core/identity.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../../core/http.ts';
import { isAppError, appError, type AppError } from '../../../policy/errors.ts';
import { toCallerError } from '../../../policy/caller-errors.ts';
import { callerVerifierOf, loadGatewayConfig } from '../../../gateway/config.ts';
import { readSupergraphConfig } from '../../../gateway/composition.ts';
import type { Env } from '../../../core/env.ts';

interface Caller { identity: Identity; requestId: string }
interface OnRequestPayload { request: Request; url: URL; endResponse(response: Response): void; fetchAPI: { Response: typeof Response } }

/**
 * `credentialIn: 'fetch-hook'` is the pitfall, kept only so that the test can show it
 * is real (the same credential, set in an onFetch hook instead): never deploy it.
 */
export function hiveGatewayConfig(env: Env = process.env, opts: { graphqlPath?: string; credentialIn?: 'propagation' | 'fetch-hook' } = {}) {
  const graphqlPath = opts.graphqlPath ?? '/graphql';
  const config = loadGatewayConfig(env);
  const verifyCaller = callerVerifierOf(config);
  // Audiences are the subgraph names of supergraph.yaml; Hive names a subgraph by its join__Graph name.
  const audiences = new Map(readSupergraphConfig().map((s) => [s.name.toLowerCase(), s.name]));
  // Who is calling, per incoming request; gone with the request.
  const callers = new WeakMap<Request, Caller>();

  const refuse = (p: OnRequestPayload, e: AppError, requestId: string) => {
    const body = { errors: [toCallerError({ message: e.message, extensions: { code: e.code, requestId } })] };
    p.endResponse(new p.fetchAPI.Response(JSON.stringify(body), {
      status: Number(e.details.httpStatus ?? e.httpStatus),
      headers: { 'content-type': 'application/json; charset=utf-8', [REQUEST_ID_HEADER]: requestId },
    }));
  };

  const verifyCallerPlugin = {
    // Before parsing, as our gateway does: an unauthenticated request costs a signature check, nothing more.
    async onRequest(p: OnRequestPayload) {
      if (p.url.pathname !== graphqlPath) return;
      const requestId = requestIdFrom(p.request.headers.get(REQUEST_ID_HEADER));
      try {
        callers.set(p.request, { identity: await verifyCaller(p.request.headers.get('authorization') ?? undefined), requestId });
      } catch (e) {
        refuse(p, isAppError(e) ? e : appError('UNAUTHENTICATED', 'The token is invalid', { httpStatus: 401 }), requestId);
      }
    },
    // The caller can quote the id it finds in our subgraphs' logs and audit trail.
    onResponse({ request, response }: { request: Request; response: Response }) {
      const caller = callers.get(request);
      if (caller) response.headers.set(REQUEST_ID_HEADER, caller.requestId);
    },
  };

  /** What a subgraph gets for this request: the request id and a credential for it alone. */
  const subgraphHeaders = async (request: Request | undefined, subgraphName: unknown): Promise<Record<string, string>> => {
    const caller = request && callers.get(request);
    const audience = audiences.get(String(subgraphName).toLowerCase());
    // No verified caller or an unknown subgraph: no credential, and the subgraph refuses.
    if (!caller || !audience) return {};
    return {
      [REQUEST_ID_HEADER]: caller.requestId,
      [IDENTITY_HEADER]: await signInternalToken(caller.identity, audience, config.INTERNAL_TOKEN_SECRET, caller.requestId),
    };
  };

  if (opts.credentialIn === 'fetch-hook') {
    const fetchHookPlugin = {
      async onFetch({ context, executionRequest, options }: { context: { request?: Request }; executionRequest?: { subgraphName?: string }; options: { headers?: Record<string, string> } }) {
        options.headers = { ...options.headers, ...(await subgraphHeaders(context?.request, executionRequest?.subgraphName)) };
      },
    };
    return { plugins: () => [verifyCallerPlugin, fetchHookPlugin] };
  }
  return {
    plugins: () => [verifyCallerPlugin],
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }: { request: Request; subgraphName: string }) => subgraphHeaders(request, subgraphName),
    },
  };
}
