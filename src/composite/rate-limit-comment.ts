/**
 * A rate limit: at most `points` requests per `seconds`, as written (`100/s`, `10/m`,
 * `3/h`). `--rate-limit` is one; a composite may set its own with a comment line
 * `# @rateLimit 10/s` among the comment lines above its operation (a comment, so the
 * document stays plain GraphQL any tool reads).
 */
export interface RateLimitSpec {
  readonly points: number;
  readonly seconds: number;
  /** As written, normalized: `100/s`. */
  readonly text: string;
}

const UNITS: Record<string, [number, string]> = {
  s: [1, 's'],
  sec: [1, 's'],
  second: [1, 's'],
  m: [60, 'm'],
  min: [60, 'm'],
  minute: [60, 'm'],
  h: [3600, 'h'],
  hour: [3600, 'h'],
};

/** `100/s` → 100 per second; throws a message naming `where` and what it held. */
export function parseRateLimit(text: string, where: string): RateLimitSpec {
  const match = /^\s*(\d+)\s*\/\s*([a-z]+)\s*$/i.exec(text);
  const unit = match && UNITS[match[2].toLowerCase()];
  const points = match ? Number(match[1]) : NaN;
  if (!match || !unit || !Number.isSafeInteger(points) || points < 1) {
    throw new Error(`${where} must be a number of requests (at least 1) per s, m or h, such as 100/s or 3/h; not "${text.trim()}"`);
  }
  return { points, seconds: unit[0], text: `${points}/${unit[1]}` };
}

const DIRECTIVE = /^@rateLimit\b\s*(.*)$/;

/**
 * The `@rateLimit` line of a composite's description (its comment lines), if it has
 * one; throws for a malformed one. The line is kept in the description, so the schema's
 * documentation of the composite says its limit.
 */
export function compositeRateLimit(name: string, description: string | undefined): RateLimitSpec | undefined {
  if (!description) return undefined;
  let found: RateLimitSpec | undefined;
  for (const line of description.split('\n')) {
    const match = DIRECTIVE.exec(line.trim());
    if (!match) continue;
    if (found) throw new Error(`composite ${name}: more than one "# @rateLimit" comment; keep one`);
    found = parseRateLimit(match[1], `composite ${name}: "# @rateLimit"`);
  }
  return found;
}
