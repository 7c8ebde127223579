// Watches a gateway process during a measured run: peak RSS (sampled every 100 ms, and
// VmHWM), CPU use, and the upstream calls it made.
import { cpuSeconds, rssSampler } from './processes.js';

/** Returns a function for measure()'s onMeasure: it starts watching, and its stop() gives the figures. */
export function gatewayProbe(pid, upstreams) {
  return () => {
    const rss = rssSampler(pid);
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    const calls0 = upstreams?.stats();
    return {
      async stop() {
        const seconds = (performance.now() - t0) / 1000;
        const cpuPct = (100 * (cpuSeconds(pid) - cpu0)) / seconds;
        const peakRssMb = rss.peakMb();
        rss.stop();
        let upstreamCalls;
        if (upstreams) upstreamCalls = (await upstreams.stats()).total - (await calls0).total;
        return { cpuPct, peakRssMb, upstreamCalls };
      },
    };
  };
}
