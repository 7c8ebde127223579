const rss = () => Math.round(process.memoryUsage().rss / 1e6);
await import('../dist/graph/index.js'); console.log('graph', rss());
await import('../dist/server/graphql-app.js'); console.log('graphql-app', rss());
await import('@graphql-yoga/render-graphiql'); console.log('render-graphiql', rss());
await import('../dist/server/capabilities/index.js'); console.log('capabilities', rss());
await import('../dist/registry/index.js'); console.log('registry', rss());
await import('../dist/server/admin/index.js'); console.log('admin', rss());
