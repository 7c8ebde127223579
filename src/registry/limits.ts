import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { RegistryError } from './errors.js';

/**
 * How large a change the registry accepts. Each one refuses a document before the heavy
 * work starts (building and serving a graph of it), with LIMIT_EXCEEDED and the setting
 * to raise: a graph is built on every gateway's main thread when it is served, so a
 * document that takes seconds to build would stall every request on each of them.
 */
export interface RegistryLimits {
  /** Bytes of one source: its SDL and attachments (a WSDL) together. Checked before anything is read. */
  readonly maxSourceBytes: number;
  /** Fields of one source's SDL (object, interface and input fields together). */
  readonly maxSourceFields: number;
  /** Steps (root fields) of one composite document. */
  readonly maxCompositeSteps: number;
  /** Heap of the thread that checks changes, in MiB: a change that needs more is refused, the gateway is not touched. */
  readonly checkMemoryMb: number;
}

export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = {
  maxSourceBytes: 16 * 1024 * 1024,
  maxSourceFields: 150_000,
  maxCompositeSteps: 200,
  checkMemoryMb: 2048,
};

/** The environment variable and `skein serve` flag of each limit. */
export const REGISTRY_LIMIT_VARIABLES = {
  maxSourceBytes: ['SKEIN_MAX_SOURCE_BYTES', '--max-source-bytes'],
  maxSourceFields: ['SKEIN_MAX_SOURCE_FIELDS', '--max-source-fields'],
  maxCompositeSteps: ['SKEIN_MAX_COMPOSITE_STEPS', '--max-composite-steps'],
  checkMemoryMb: ['SKEIN_CHECK_MEMORY_MB', '--check-memory-mb'],
} as const satisfies Record<keyof RegistryLimits, readonly [string, string]>;

/** Limits from flags (strings, by limit name) over the environment over the defaults; a bad value throws naming where it came from. */
export function registryLimitsFromEnvironment(
  flags: Partial<Record<keyof RegistryLimits, string | undefined>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RegistryLimits {
  const limits = { ...DEFAULT_REGISTRY_LIMITS } as Record<keyof RegistryLimits, number>;
  for (const [key, [variable, flag]] of Object.entries(REGISTRY_LIMIT_VARIABLES) as [keyof RegistryLimits, readonly [string, string]][]) {
    const text = flags[key] ?? env[variable];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
      throw new Error(`${flags[key] !== undefined ? flag : variable} must be a whole number of at least 1, not "${text}"`);
    }
    limits[key] = value;
  }
  return limits;
}

/** Refuses a source whose SDL and attachments together are over the byte limit; cheap, so it runs before anything reads them. */
export function checkSourceBytes(name: string | undefined, sdl: string, attachments: Readonly<Record<string, string>>, limits: RegistryLimits): void {
  let bytes = Buffer.byteLength(sdl);
  for (const text of Object.values(attachments)) bytes += Buffer.byteLength(text);
  if (bytes > limits.maxSourceBytes) {
    throw exceeded(`${name ? `source ${name}` : 'the source'} is ${bytes} bytes (SDL and attachments), over the limit of ${limits.maxSourceBytes}`, 'maxSourceBytes');
  }
}

/** Object, interface and input fields declared in an SDL document. */
export function countFields(document: DocumentNode): number {
  let fields = 0;
  for (const definition of document.definitions) {
    if ('fields' in definition && Array.isArray(definition.fields)) fields += definition.fields.length;
  }
  return fields;
}

/** Root fields of a composite's operation, through fragments spread or written inline at the root. */
export function countSteps(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d.selectionSet] as const),
  );
  const seen = new Set<string>();
  const count = (set: SelectionSetNode): number => {
    let steps = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) steps++;
      else if (selection.kind === Kind.INLINE_FRAGMENT) steps += count(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) steps += count(fragment);
      }
    }
    return steps;
  };
  return count(operation.selectionSet);
}

/** The refusal for a limit, naming the variable and flag that raise it. */
export function exceeded(what: string, limit: keyof RegistryLimits): RegistryError {
  const [variable, flag] = REGISTRY_LIMIT_VARIABLES[limit];
  return new RegistryError('LIMIT_EXCEEDED', `${what}; nothing was stored (the limit is ${variable}, or ${flag} of skein serve)`);
}
