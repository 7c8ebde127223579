// Skein's `@wire(name:)` and `@rest(…)` read from a field's or enum value's SDL, as any
// reader of the generated file would (the directives are documented in README.md).
import { valueFromASTUntyped } from 'graphql';

/** The upstream name of a field, input field or enum value: its `@wire(name:)`, else its name. */
export function wireName(element) {
  const directive = element.astNode?.directives?.find((d) => d.name.value === 'wire');
  const argument = directive?.arguments?.find((a) => a.name.value === 'name');
  return argument?.value.kind === 'StringValue' ? argument.value.value : element.name;
}

/** A root field's `@rest` arguments ({ method, path, query, headers, body, encoding }), or undefined. */
export function restBinding(field) {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'rest');
  if (!directive) return undefined;
  const args = Object.fromEntries(directive.arguments.map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
  return { method: 'GET', encoding: 'JSON', query: [], headers: [], ...args };
}
