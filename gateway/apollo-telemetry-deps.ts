// Apollo Gateway 2.14 `require`s, when it loads, everything its usage reporting to
// Apollo could need: the OpenTelemetry metrics SDK, its OTLP metrics exporter and the
// AWS, Azure, GCP and Alibaba cloud resource detectors (with gaxios, protobufjs…),
// about 720 modules and 8 MiB of heap. Reporting is off unless the operator opts in
// (disableApolloTelemetryByDefault in server.ts), so they are never used here.
//
// This module, imported by server.ts before `@apollo/gateway`, puts a stand-in for
// each of those packages in Node's module cache, under the very file name Apollo's
// `require` resolves to. The stand-in loads the real package on its first property
// read, which happens only inside Apollo's `createDataCollectionExporter`, so an
// operator who turns reporting on gets the real packages, just later. Apollo reads
// none of their exports while loading; test/gateway-startup-footprint.test.ts holds
// all of this in fresh processes, and fails if a new Apollo release moves the requires.
import Module, { createRequire } from 'node:module';

/** The file of Apollo Gateway that requires them, and the packages it requires only for usage reporting. */
const APOLLO_TELEMETRY_FILE = '@apollo/gateway/dist/utilities/opentelemetry.js';
export const REPORTING_ONLY_PACKAGES = [
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/resource-detector-alibaba-cloud',
  '@opentelemetry/resource-detector-aws',
  '@opentelemetry/resource-detector-gcp',
  '@opentelemetry/resource-detector-azure',
  '@opentelemetry/resources',
  '@opentelemetry/exporter-metrics-otlp-http',
] as const;

type CachedModule = InstanceType<typeof Module>;
const moduleCache = (Module as unknown as { _cache: Record<string, CachedModule> })._cache;

/** Installs the stand-ins; returns the packages it deferred (none when Apollo is already loaded or laid out otherwise). */
export function deferApolloReportingPackages(): string[] {
  const here = createRequire(import.meta.url);
  let apolloRequire: NodeJS.Require;
  try {
    const file = here.resolve(APOLLO_TELEMETRY_FILE);
    // Already loaded: its requires have run, nothing to defer.
    if (moduleCache[file]) return [];
    apolloRequire = createRequire(file);
  } catch {
    return [];
  }
  const deferred: string[] = [];
  for (const id of REPORTING_ONLY_PACKAGES) {
    let file: string;
    try {
      file = apolloRequire.resolve(id);
    } catch {
      continue;
    }
    if (moduleCache[file]) continue;
    let real: Record<PropertyKey, unknown> | undefined;
    const load = (): Record<PropertyKey, unknown> => {
      if (!real) {
        // The stand-in leaves the cache, so this require (and every later one) gets the package itself.
        if (moduleCache[file] === standIn) delete moduleCache[file];
        real = apolloRequire(id) as Record<PropertyKey, unknown>;
      }
      return real;
    };
    const standIn = new Module(file) as CachedModule & { filename: string; loaded: boolean };
    standIn.filename = file;
    standIn.loaded = true;
    standIn.exports = new Proxy(Object.create(null) as object, {
      get: (_, key) => load()[key],
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), key);
        // A proxy may not report a property of its (empty) target as non-configurable.
        return d ? { ...d, configurable: true } : undefined;
      },
    });
    moduleCache[file] = standIn;
    deferred.push(id);
  }
  return deferred;
}

/** What this process deferred when the module loaded (test/gateway-startup-footprint.test.ts reads it after the gateway loaded). */
export const deferredAtLoad: readonly string[] = deferApolloReportingPackages();
