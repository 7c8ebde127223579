import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { GatewayPlugin } from './gateway-plugin.js';
import type { GatewaySettings } from './gateway-settings.js';
import { parseWithLimits } from './limited-parser.js';

/** The `extensions.code` of each limit, stable like the upstream codes. */
export const LimitCode = {
  DEPTH: 'QUERY_TOO_DEEP',
  ALIASES: 'TOO_MANY_ALIASES',
  DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  TOKENS: 'TOO_MANY_TOKENS',
  NESTING: 'QUERY_TOO_NESTED',
} as const;

type Limits = Pick<GatewaySettings, 'maxDepth' | 'maxAliases' | 'maxDirectives' | 'maxTokens' | 'maxNesting'>;

/**
 * Limits on the shape of a document, checked before anything runs: tokens and nesting
 * while parsing (limited-parser.ts, so a huge or deeply nested document is never
 * built), then depth, aliases (`__typename` ones too: each is a field to answer) and
 * directives, graphql-armor's rules, each refusal with a message that says the limit,
 * what was found and which setting raises it, and an `extensions.code`. What a request
 * may spend as it runs (cost, upstream calls, bytes, time) is use-request-budget.ts's.
 * Composite steps run through graphql-js directly, not through yoga, so a composite's
 * own document is never held to the client's limits.
 */
export function useRequestLimits(limits: Limits): GatewayPlugin {
  const refuse = (code: string, setting: string) => (context: ValidationContext | null, error: GraphQLError) => {
    const found = error.message.replace(/^Syntax Error: /, '');
    context?.reportError(new GraphQLError(`${found} (raise it with ${setting})`, { extensions: { code } }));
  };
  const reject = { propagateOnRejection: false, exposeLimits: true } as const;
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ...reject, onReject: [refuse(LimitCode.DEPTH, 'SKEIN_MAX_DEPTH')] }),
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...reject, onReject: [refuse(LimitCode.ALIASES, 'SKEIN_MAX_ALIASES')] }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reject, onReject: [refuse(LimitCode.DIRECTIVES, 'SKEIN_MAX_DIRECTIVES')] }),
  ];
  const parserLimits = { maxTokens: limits.maxTokens, maxNesting: limits.maxNesting };
  const parse = (source: Parameters<typeof parseWithLimits>[0], options: Parameters<typeof parseWithLimits>[1]) =>
    parseWithLimits(source, options, parserLimits);
  return {
    name: 'request-limits',
    onParse({ setParseFn }) {
      setParseFn(parse as never);
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule as never);
    },
  };
}
