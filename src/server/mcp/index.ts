export { createMcpHandler, MCP_PATH, type McpHandler, type McpOptions } from './mcp-app.js';
export { graphTools } from './tools.js';
