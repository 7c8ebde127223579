export { createAdminHandler, ADMIN_ENDPOINT, type AdminHandler, type AdminOptions } from './admin-app.js';
export { AdminTokens } from './admin-tokens.js';
export type { AdminContext } from './admin-context.js';
export { adminSDL } from './admin-sdl.js';
