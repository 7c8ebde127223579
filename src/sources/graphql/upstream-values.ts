import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  type GraphQLInputType,
  type TypeNode,
} from 'graphql';
import { wireNameOf } from '../wire-names.js';
import type { DelegationPlan } from './delegation-plan.js';

/**
 * A coerced (internal) input value as the upstream reads it in a variable: scalars
 * serialized, enum values by their upstream names, input fields by their wire names.
 */
export function upstreamValue(type: GraphQLInputType, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (isNonNullType(type)) return upstreamValue(type.ofType, value);
  if (isListType(type)) return Array.isArray(value) ? value.map((item) => upstreamValue(type.ofType, item)) : [upstreamValue(type.ofType, value)];
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const item = (value as Record<string, unknown>)[field.name];
      if (item !== undefined) out[wireNameOf(field) ?? field.name] = upstreamValue(field.type, item);
    }
    return out;
  }
  if (isEnumType(type)) {
    const member = type.getValues().find((v) => v.value === value);
    return member ? (wireNameOf(member) ?? member.name) : value;
  }
  if (isScalarType(type)) return type.serialize(value);
  return value;
}

/** The type of a variable, written with the upstream's type names. */
export function upstreamTypeNode(plan: DelegationPlan, type: GraphQLInputType): TypeNode {
  if (isNonNullType(type)) return { kind: Kind.NON_NULL_TYPE, type: upstreamTypeNode(plan, type.ofType) as never };
  if (isListType(type)) return { kind: Kind.LIST_TYPE, type: upstreamTypeNode(plan, type.ofType) };
  return { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: plan.upstreamTypeName(type) } };
}
