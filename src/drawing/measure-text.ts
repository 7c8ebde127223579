/**
 * Text width without a browser or a font file: the drawing must be laid out before any
 * text is rendered (in Node for the CLI, in a page before insertion), so widths are
 * estimated from per-character advances of DejaVu Sans, in em. DejaVu Sans is the widest
 * of the fonts the drawing names (Helvetica and Arial are narrower), so text measured
 * here fits its box in every one of them; the PNG renderer uses DejaVu Sans itself.
 */

const NARROW = new Set("iIjlt.,:;'|!()[]{} f/\\`");
const SEMI_NARROW = new Set('rJ-"*');
const WIDE = new Set('mwMW@%');
/** Bold glyphs of DejaVu Sans are about 10% wider than regular ones. */
const BOLD_FACTOR = 1.1;

function advance(char: string): number {
  if (NARROW.has(char)) return 0.32;
  if (SEMI_NARROW.has(char)) return 0.42;
  if (WIDE.has(char)) return 0.92;
  if (char >= 'A' && char <= 'Z') return 0.72;
  if (char >= '0' && char <= '9') return 0.64;
  if (char === '$' || char === '_') return 0.64;
  if (char.charCodeAt(0) > 0x2000) return 1; // arrows, ellipsis, symbols: a full em, to be safe
  return 0.62;
}

export interface TextStyle {
  readonly fontSize: number;
  readonly bold?: boolean;
}

/** Estimated width in px of `text` set in `style`. */
export function textWidth(text: string, style: TextStyle): number {
  let ems = 0;
  for (const char of text) ems += advance(char);
  return ems * style.fontSize * (style.bold ? BOLD_FACTOR : 1);
}

/** `text` itself if it fits in `maxWidth`, else its longest prefix that fits with `…` after it. */
export function fitText(text: string, style: TextStyle, maxWidth: number): string {
  if (textWidth(text, style) <= maxWidth) return text;
  const chars = [...text];
  const ellipsis = textWidth('…', style);
  let width = 0;
  let kept = 0;
  while (kept < chars.length && width + textWidth(chars[kept], style) + ellipsis <= maxWidth) {
    width += textWidth(chars[kept], style);
    kept++;
  }
  return `${chars.slice(0, kept).join('').trimEnd()}…`;
}
