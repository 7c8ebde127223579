import type { DocumentNode } from 'graphql';
import type { SchemaLocation } from '../errors/schema-error.js';

/**
 * The compiled form of a composite: a DAG of steps. Built once per composite version
 * (compile/), run per request (execute/), drawn on demand (explain/).
 */
export interface CompositePlan {
  /** The operation's name, which is also the composite's field name. */
  readonly name: string;
  readonly file: string;
  readonly operation: 'query' | 'mutation';
  /** From the comment lines above the operation. */
  readonly description: string | undefined;
  readonly variables: readonly PlanVariable[];
  /** In document order. */
  readonly steps: readonly PlanStep[];
  /** Steps grouped by depth: every step of a stage depends only on earlier stages. */
  readonly stages: readonly (readonly string[])[];
  /** The longest chain of dependent steps. */
  readonly criticalPath: readonly string[];
}

export interface PlanVariable {
  readonly name: string;
  /** As written: `ID!`, `[String]`. */
  readonly type: string;
  readonly internal: boolean;
  readonly nonNull: boolean;
  /** The step that exports it (internal variables only). */
  readonly exportedBy?: string;
}

export interface PlanStep {
  /** Response key of the root field: the alias, else the field name. Unique in a plan. */
  readonly key: string;
  /** `Query.user` */
  readonly field: string;
  /** Steps whose exports this step uses. */
  readonly dependsOn: readonly string[];
  /** Mutations only: the previous mutation, which must finish first. */
  readonly after: string | undefined;
  /** Every variable the step uses (arguments, nested arguments, directives). */
  readonly uses: readonly string[];
  /** Internal variables it needs a value of (declared non-null, or passed where one is required): null skips the step with an error. */
  readonly requires: readonly string[];
  readonly exports: readonly PlanExport[];
  /** @include/@skip on the step; all must hold for it to run. */
  readonly conditions: readonly PlanCondition[];
  /** The step alone, as an executable operation over the gateway schema. */
  readonly document: DocumentNode;
  readonly location: SchemaLocation | undefined;
}

export interface PlanExport {
  readonly variable: string;
  /** Response keys from the step's value down to the exported field. */
  readonly path: readonly string[];
  /** A list lies on the path: the values are gathered into one list. */
  readonly list: boolean;
  readonly test: ExportTest | undefined;
}

/** A comparison that turns an exported value into a Boolean. */
export interface ExportTest {
  readonly equals?: unknown;
  readonly notEquals?: unknown;
  readonly in?: readonly unknown[];
  readonly greaterThan?: number;
  readonly lessThan?: number;
  readonly isNull?: boolean;
}

export interface PlanCondition {
  readonly kind: 'include' | 'skip';
  /** The variable tested, or undefined for a literal. */
  readonly variable: string | undefined;
  readonly literal: boolean | undefined;
}
