import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { GatewayPlugin } from './gateway-plugin.js';
import type { GatewaySettings } from './gateway-settings.js';

/** The `extensions.code` of each limit, stable like the upstream codes. */
export const LimitCode = {
  DEPTH: 'QUERY_TOO_DEEP',
  ALIASES: 'TOO_MANY_ALIASES',
  DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  TOKENS: 'TOO_MANY_TOKENS',
  COST: 'QUERY_TOO_COSTLY',
} as const;

type Limits = Pick<GatewaySettings, 'maxDepth' | 'maxAliases' | 'maxDirectives' | 'maxTokens' | 'maxCost'>;

/**
 * Limits against abusive queries, checked before anything runs: depth, aliases,
 * directives, tokens (while parsing, so a huge document is not even built) and an
 * estimated cost. The checks are graphql-armor's; this plugin gives each refusal a
 * message that says the limit, what was found and which setting raises it, and an
 * `extensions.code`. Composite steps run through graphql-js directly, not through
 * yoga, so a composite's own document is never held to the client's limits.
 */
export function useRequestLimits(limits: Limits): GatewayPlugin {
  const refuse = (code: string, setting: string) => (context: ValidationContext | null, error: GraphQLError) => {
    const found = error.message.replace(/^Syntax Error: /, '');
    context?.reportError(new GraphQLError(`${found} (raise it with ${setting})`, { extensions: { code } }));
  };
  const reject = { propagateOnRejection: false, exposeLimits: true } as const;
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ...reject, onReject: [refuse(LimitCode.DEPTH, 'SKEIN_MAX_DEPTH')] }),
    maxAliasesRule({ n: limits.maxAliases, ...reject, onReject: [refuse(LimitCode.ALIASES, 'SKEIN_MAX_ALIASES')] }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reject, onReject: [refuse(LimitCode.DIRECTIVES, 'SKEIN_MAX_DIRECTIVES')] }),
    costLimitRule({ maxCost: limits.maxCost, ...reject, onReject: [refuse(LimitCode.COST, 'SKEIN_MAX_COST')] }),
  ];
  const parse = (source: Parameters<typeof parseWithLimit>[0], options: Parameters<typeof parseWithLimit>[1]) =>
    parseWithLimit(source, options, limits.maxTokens);
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

function parseWithLimit(source: ConstructorParameters<typeof MaxTokensParserWLexer>[0], options: object | undefined, max: number) {
  try {
    return new MaxTokensParserWLexer(source, { ...options, n: max }).parseDocument();
  } catch (error) {
    if (error instanceof Error && /^Syntax Error: Token limit of \d+ exceeded/.test(error.message)) {
      throw new GraphQLError(`The document has more than ${max} tokens, the limit of this gateway (raise it with SKEIN_MAX_TOKENS)`, {
        extensions: { code: LimitCode.TOKENS, http: { status: 400 } },
      });
    }
    throw error;
  }
}
