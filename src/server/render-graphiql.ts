import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL's page, served offline (no CDN), loaded on the first request for it: its
 * bundle is about 50 MB of memory once imported, which a gateway that nobody browses
 * should not pay for.
 */
export async function renderGraphiQL(options: GraphiQLOptions): Promise<string> {
  const { renderGraphiQL: render } = await import('@graphql-yoga/render-graphiql');
  return render(options);
}
