import type { GatewayPlugin } from './gateway-plugin.js';
import { EXPOSE_PLAN_HEADER, PlanTrace } from '../composite/index.js';
import type { IncomingRequest } from '../sources/index.js';

/**
 * With `Skein-Expose-Plan: true`, the response's `extensions.plan` lists each composite
 * that ran, its stages and critical path, and every step's start and end time (ms since
 * the request began), and its `flow`: the plan as src/drawing's FlowInput with each step's
 * status, so a page can draw the run. Without the header nothing is collected or sent.
 */
export function useExposePlan(): GatewayPlugin {
  return {
    name: 'expose-plan',
    onExecute({ args }) {
      const context = args.contextValue as { request?: IncomingRequest };
      if (context.request?.headers.get(EXPOSE_PLAN_HEADER)?.toLowerCase() !== 'true') return;
      const trace = PlanTrace.attach(context);
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, plan: trace.composites } });
        },
      };
    },
  };
}
