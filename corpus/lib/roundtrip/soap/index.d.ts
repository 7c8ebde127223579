import type { GraphQLOutputType } from 'graphql';

export interface RoundTripFailure {
  /** The WSDL operation, or '*' when the document failed before any call (load, import, build). */
  readonly operation: string;
  /** call: no answer or a GraphQL error; answer: a value sent that did not come back as sent; envelope: the request does not validate. */
  readonly stage: 'call' | 'answer' | 'envelope';
  readonly message: string;
}

export interface RoundTrip {
  readonly file: string;
  /** The SOAP version of the port called. */
  readonly soapVersion: '1.1' | '1.2' | undefined;
  readonly operations: number;
  /** Operations whose call succeeded, whose answer carried every value sent, and whose envelope validated (or cannot be validated, see envelopes). */
  readonly passed: number;
  readonly failures: readonly RoundTripFailure[];
  readonly envelopes: {
    readonly validated: number;
    readonly valid: number;
    /** rpc-style envelopes, or every envelope when xmllint cannot compile the WSDL's schemas. */
    readonly notValidatable: number;
    readonly reason?: string;
  };
  /** Harness limits, not Skein failures: a generated answer the schema rejects. */
  readonly harness: readonly { readonly operation: string; readonly message: string }[];
  /** What the generated answers exercised. */
  readonly sent: {
    readonly elements: number;
    readonly values: number;
    readonly attributes: number;
    readonly enums: number;
    readonly lists: number;
    readonly nil: number;
    readonly absent: number;
    readonly choiceSkipped: number;
  };
}

export interface RoundTripCall {
  readonly operation: string;
  readonly query: { readonly query: string; readonly variables: Record<string, unknown> };
  readonly answer: readonly string[];
  readonly expected: unknown;
  readonly response: unknown;
  readonly request?: string;
}

export function roundTripWsdl(options: {
  readonly file: string;
  readonly soapVersion?: '1.1' | '1.2';
  /** Per GraphQL call; 30 s by default. */
  readonly timeoutMs?: number;
  /** GraphQL object levels generated and selected; 8 by default. */
  readonly maxDepth?: number;
  /** Sees every call (query, generated answer, expected value, GraphQL response, request envelope), for debugging. */
  readonly onCall?: (call: RoundTripCall) => void;
}): Promise<RoundTrip>;

export function hasXmllint(): Promise<boolean>;

export function schemaValidator(schemaDocuments: readonly unknown[]): Promise<{
  readonly folder: string;
  validate(payloads: readonly string[]): Promise<Array<{ valid: boolean; errors: string[] }> | { compiled: false; message: string }>;
  close(): Promise<void>;
}>;

export function compareAnswer(expected: unknown, actual: unknown, type: GraphQLOutputType, path: string, problems?: string[]): string[];
