import type { Graph } from '../graph/index.js';
import type { ReadinessCheck } from './health.js';

/**
 * /readyz's word on the event sources (NATS, MQTT) of the graph being served: one advisory
 * check that names each broker that is not connected and why. Advisory, because the rest of
 * the graph serves and the broker reconnects on its own: another gateway would not do better,
 * so a broker that is down must not take this one out of rotation.
 */
export function eventSourceReadiness(graph: Graph): ReadinessCheck[] {
  // A graph without event sources says nothing about them.
  if (!graph.brokers || graph.brokers.size === 0) return [];
  return [
    {
      name: 'event sources',
      advisory: true,
      check() {
        const down = [...graph.brokers]
          .filter(([, broker]) => broker.status() !== 'up')
          .map(([name, broker]) => `${name} (${broker.kind}) ${broker.status()}${broker.lastError() ? `: ${broker.lastError()}` : ''}`);
        if (down.length > 0) throw new Error(down.join('; '));
        return true;
      },
    },
  ];
}
