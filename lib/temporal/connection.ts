// One way to reach Temporal for the CLI and worker.ts: Temporal's own environment configuration
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE, the TOML file).
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

// Address and namespace used when nothing is configured: the embedded dev server.
export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

// Connection settings after Temporal's environment configuration is applied.
export interface TemporalTarget {
  address: string;
  namespace: string;
  tls: boolean;
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
}

// Reads Temporal's environment configuration, defaulting to the local dev server.
export function loadTemporalTarget(): TemporalTarget {
  const config = loadClientConnectConfig();
  const address = config.connectionOptions.address ?? DEFAULT_ADDRESS;
  return {
    address,
    namespace: config.namespace ?? DEFAULT_NAMESPACE,
    tls: Boolean(config.connectionOptions.tls),
    connectionOptions: { ...config.connectionOptions, address },
  };
}

// True when the configured target is a loopback address without TLS: the embedded dev server this
// project manages (on 7233 by default; tests run their own on a free port).
export function isLocalTarget(target: TemporalTarget): boolean {
  return !target.tls && /^(localhost|127\.0\.0\.1|\[::1\]):\d+$/.test(target.address);
}

// Opens a client on the configured target; the caller closes client.connection.
export async function connectClient(target: TemporalTarget = loadTemporalTarget(), timeoutMs = 5000): Promise<Client> {
  const { tls, apiKey, metadata } = target.connectionOptions;
  const connection = await Connection.connect({ address: target.address, tls, apiKey, metadata, connectTimeout: timeoutMs });
  return new Client({ connection, namespace: target.namespace });
}
