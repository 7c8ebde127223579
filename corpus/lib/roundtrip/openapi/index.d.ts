export interface RoundTripFailure {
  readonly operation: string;
  readonly stage: 'request' | 'answer' | 'call';
  readonly message: string;
}

export interface RoundTripLimitation {
  readonly operation: string;
  readonly message: string;
}

export interface RoundTrip {
  readonly file: string;
  readonly operations: number;
  readonly passed: number;
  readonly failures: RoundTripFailure[];
  readonly limitations: RoundTripLimitation[];
}

export function roundTripOpenAPI(options: {
  file: string;
  sampleOtherMethods?: number;
  timeoutMs?: number;
  maxDepth?: number;
  maxFields?: number;
  seed?: number;
  transformSdl?: (sdl: string) => string;
}): Promise<RoundTrip>;
