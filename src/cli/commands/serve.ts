import type { Command } from 'commander';
import { startDemoUpstreams, type DemoUpstreams } from '../../demo/index.js';
import { buildGraph } from '../../graph/index.js';
import { loadSchemaFolder } from '../../schema/index.js';
import { startGateway } from '../../server/index.js';
import { reportFailure } from '../report.js';

interface ServeOptions {
  schema: string;
  demo?: boolean;
  port: string;
  host?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve a schema folder as one GraphQL endpoint, with GraphiQL at /graphql.')
    .option('-s, --schema <dir>', 'schema folder', 'schema')
    .option('--demo', "also start the demo's upstream services in-process and point the schema at them")
    .option('-p, --port <port>', 'port to listen on (env PORT)', process.env.PORT ?? '4000')
    .option('--host <host>', 'interface to listen on (env HOST); all interfaces by default', process.env.HOST)
    .action(async (options: ServeOptions) => {
      let demo: DemoUpstreams | undefined;
      try {
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${options.port}"`);
        demo = options.demo ? await startDemoUpstreams() : undefined;
        const graph = await buildGraph(loadSchemaFolder(options.schema), {
          urls: demo?.urls,
          onSourceError: 'degrade',
          warn: (message) => console.warn(`skein: ${message}`),
        });
        const gateway = await startGateway({ graph, port, host: options.host });
        console.log(`Skein is serving ${options.schema}/ at ${gateway.url}`);
        console.log(`  open it in a browser for GraphiQL`);
        for (const source of graph.sources.values()) {
          console.log(`  source ${source.name.padEnd(10)} ${source.kind.padEnd(5)} ${source.url ?? ''}`);
        }
        if (demo) console.log(`  demo upstreams answer after ${process.env.SKEIN_DEMO_DELAY_MS ?? 0} ms (SKEIN_DEMO_DELAY_MS)`);
        const stop = async () => {
          await gateway.close();
          await demo?.close();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (error) {
        await demo?.close();
        reportFailure(error);
      }
    });
}
