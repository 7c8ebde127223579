export { startGateway, type GatewayOptions, type LiveGraph, type RunningGateway } from './gateway.js';
export { AdminTokens, ADMIN_ENDPOINT } from './admin/index.js';
export { startRegistryGateway, type RegistryGatewayOptions, type RunningRegistryGateway } from './registry-gateway.js';
export type { GatewayContext } from './pipeline.js';
export {
  DEFAULT_SETTINGS,
  exposeUpstreamErrors,
  SETTING_VARIABLES,
  settingsFromEnvironment,
  type GatewaySettings,
  type NumericSetting,
} from './gateway-settings.js';
export { readPersistedOperations } from './use-persisted-operations.js';
export { GatewayMetrics } from './metrics.js';
export { METRICS_PATH } from './gateway.js';
export { HEALTH_PATH, READY_PATH, type ReadinessCheck } from './health.js';
export { REQUEST_ID_HEADER } from './request-id.js';
export type { GatewayPlugin } from './gateway-plugin.js';
export { LOCAL_HOSTS } from './http-server.js';
export { jwtSettingsFromEnvironment } from './auth/jwt-settings.js';
export type { JwtSettings } from './auth/jwt-verifier.js';
