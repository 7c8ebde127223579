export { CONSOLE_PATH, createConsoleHandler } from './console-route.js';
export { builtConsole, ConsoleFiles, CONSOLE_BUILD_DIR, type ConsoleFile } from './console-files.js';
export { CONSOLE_CSP, setPageHeaders } from './send-console-file.js';
