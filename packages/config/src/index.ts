export { environmentSchema, environmentDocs, type Environment } from './schema.ts';
export { loadConfig, loadConfigOrExit, ConfigError, type Config } from './load.ts';
export { fastifyTrustProxy, trustProxySchema, type TrustProxy } from './trust-proxy.ts';
