/**
 * The source file an import produces, before it is printed: root fields with their
 * `@rest` call, and the named types they use. Type references are kept as written in
 * SDL (`[Pet!]!`), since nothing downstream needs more than to print them.
 */

import type { RestParamStyle } from '../../../generated/directives.js';

export interface SourceFileModel {
  /** Comment lines at the top (without `# `). */
  readonly header: readonly string[];
  readonly source: { readonly name: string; readonly url: string };
  readonly fields: readonly RootFieldDefinition[];
  readonly types: readonly TypeDefinition[];
}

export interface RootFieldDefinition {
  readonly root: 'Query' | 'Mutation';
  readonly name: string;
  readonly description: string | undefined;
  readonly deprecated: boolean;
  readonly args: readonly ArgumentDefinition[];
  readonly type: string;
  readonly rest: RestCall;
  /** A POST its name put on Query: the operation (operationId, else `POST /path`) and the read word, for the import summary. */
  readonly classifiedBy?: { readonly operation: string; readonly reason: string };
}

export interface ArgumentDefinition {
  readonly name: string;
  readonly type: string;
  readonly description: string | undefined;
  /** A GraphQL literal, already printed (`30`, `"asc"`, `AVAILABLE`). */
  readonly defaultValue: string | undefined;
}

/** The arguments of `@rest` (see src/sources/rest/rest-directive.ts). */
export interface RestCall {
  readonly method: string;
  readonly path: string;
  readonly query: readonly RestParamDefinition[];
  readonly headers: readonly RestParamDefinition[];
  readonly body: string | undefined;
  readonly encoding: 'JSON' | 'FORM';
}

export interface RestParamDefinition {
  readonly name: string;
  readonly value: string;
  /** Only written when false (true is the directive's default). */
  readonly explode: boolean;
  /** Only written when not FORM (the directive's default). */
  readonly style?: RestParamStyle;
}

export type TypeDefinition = ObjectTypeDefinition | InputTypeDefinition | EnumTypeDefinition | UnionTypeDefinition;

export interface FieldDefinition {
  readonly name: string;
  /** The name on the wire, when it is not a valid GraphQL name. */
  readonly wireName: string | undefined;
  readonly type: string;
  readonly description: string | undefined;
  readonly deprecated: boolean;
}

export interface ObjectTypeDefinition {
  readonly kind: 'object';
  readonly name: string;
  readonly description: string | undefined;
  readonly fields: FieldDefinition[];
}

export interface InputTypeDefinition {
  readonly kind: 'input';
  readonly name: string;
  readonly description: string | undefined;
  readonly fields: FieldDefinition[];
}

export interface EnumValueDefinition {
  readonly name: string;
  /** The value on the wire, when it differs from the GraphQL name. */
  readonly wireName: string | undefined;
}

export interface EnumTypeDefinition {
  readonly kind: 'enum';
  readonly name: string;
  readonly description: string | undefined;
  readonly values: readonly EnumValueDefinition[];
}

export interface UnionTypeDefinition {
  readonly kind: 'union';
  readonly name: string;
  readonly description: string | undefined;
  readonly members: readonly string[];
  /** Recorded as `@discriminator`; the gateway resolves members by it at run time. */
  readonly discriminator: { readonly property: string; readonly mapping: readonly { value: string; type: string }[] } | undefined;
}
