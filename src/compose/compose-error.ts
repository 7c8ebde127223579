import { SchemaError, type SchemaLocation } from '../errors/schema-error.js';

/** What went wrong with a business request; the code tells a program, the message tells a person. */
export type ComposeErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_STEP'
  | 'CYCLE'
  | 'NO_MATCH'
  | 'AMBIGUOUS_MATCH'
  | 'UNKNOWN_OPERATION'
  | 'UNKNOWN_FIELD'
  | 'UNWIRED_ARGUMENT'
  | 'BAD_CONDITION'
  | 'PROTOCOL';

/**
 * An error in a business request document. It is a SchemaError, so it prints as
 * `request.yaml:12:5: message` wherever schema errors are printed (the CLI, the admin API).
 */
export class ComposeError extends SchemaError {
  constructor(
    readonly code: ComposeErrorCode,
    message: string,
    location: SchemaLocation | undefined,
  ) {
    super(message, location);
  }
}
