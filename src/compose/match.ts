import type { SchemaLocation } from '../errors/schema-error.js';
import { ComposeError } from './compose-error.js';
import type { Candidate, OperationIndex } from './operation-index.js';

/** How a step found its operation, and what else was in the running. */
export interface StepMatch {
  readonly step: string;
  /** `Query.user` */
  readonly field: string;
  readonly source: string;
  /** The source's kind: REST or SOAP. */
  readonly kind: string;
  /** `need`: ranked from its words; `api`: named in the request; `pick`: chosen with --pick. */
  readonly how: 'need' | 'api' | 'pick';
  readonly need: string | undefined;
  /** The best candidates, with scores and the words that matched (empty for `api`). */
  readonly candidates: readonly Candidate[];
  /** Set when candidates scored within the lead and the winner was the one whose arguments could be filled. */
  readonly decidedBy: 'score' | 'wiring' | undefined;
}

/** The winner must score this many times the runner-up, or be the only one whose arguments can be filled. */
export const CLEAR_LEAD = 1.25;

/** A candidate must match at least this share of the need's words ("loyalty points of a customer" is not a statement). */
export const MIN_COVERAGE = 0.5;

/** How many candidates a match keeps to show. */
const SHOWN = 5;

/**
 * Ranks every served operation against a need and takes a clear winner: the best scorer
 * when it leads the next by CLEAR_LEAD; among candidates closer than that, the only one
 * whose required arguments all fill from the inputs and the steps it depends on
 * (`fitOf`: lower is better, 0 = everything filled with exact types). Otherwise the need
 * is ambiguous, and the error lists the candidates and how to choose. A candidate counts
 * only if a word matched its name or description (a shared result field is not enough)
 * and at least half of the need's words matched it.
 */
export function matchNeed(
  index: OperationIndex,
  step: { key: string; need: string; at: SchemaLocation },
  options: { exclude?: ReadonlySet<string>; fitOf?: (field: string) => number },
): StepMatch {
  const all = index.search(step.need, { limit: 25, exclude: options.exclude });
  const ranked = all.filter((c) => c.coverage >= MIN_COVERAGE && (c.fields.includes('name') || c.fields.includes('description')));
  if (ranked.length === 0) {
    const nearest = (all.length ? all : index.nearest(step.need, { exclude: options.exclude })).slice(0, 3);
    throw new ComposeError(
      'NO_MATCH',
      `step ${step.key}: no served operation matches "${step.need}"; the nearest: ${nearest.length ? nearest.map(describe).join(', ') : 'none share a word with it'}. ` +
        `Say it in other words, or name the operation with api: Query.<field>`,
      step.at,
    );
  }
  const top = ranked[0];
  const close = ranked.filter((c) => c.score * CLEAR_LEAD > top.score);
  let winner: Candidate | undefined = close.length === 1 ? top : undefined;
  let decidedBy: StepMatch['decidedBy'] = winner ? 'score' : undefined;
  if (!winner && options.fitOf) {
    const fits = close.map((c) => ({ c, fit: options.fitOf!(c.field) }));
    const best = Math.min(...fits.map((f) => f.fit));
    const fitting = fits.filter((f) => f.fit === best);
    if (fitting.length === 1) {
      winner = fitting[0].c;
      decidedBy = 'wiring';
    }
  }
  if (!winner) {
    throw new ComposeError(
      'AMBIGUOUS_MATCH',
      `step ${step.key}: "${step.need}" matches ${close.length} operations about as well: ${close.slice(0, SHOWN).map(describe).join(', ')}. ` +
        `Choose one in the request (api: ${close[0].field}) or on the command line (--pick ${step.key}=${close[0].field})`,
      step.at,
    );
  }
  return {
    step: step.key,
    field: winner.field,
    source: winner.source,
    kind: winner.kind,
    how: 'need',
    need: step.need,
    candidates: [winner, ...ranked.filter((c) => c !== winner)].slice(0, SHOWN),
    decidedBy,
  };
}

/** `Query.user (users, 8.2: user, id)` */
export function describe(candidate: Candidate): string {
  return `${candidate.field} (${candidate.source}, ${candidate.score}: ${candidate.words.join(', ')})`;
}
