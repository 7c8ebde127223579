/**
 * Text width without a browser or a font file: the drawing is laid out before any text is
 * rendered (in Node for the CLI, in a page before insertion), so widths are summed from
 * the advance widths of DejaVu Sans and DejaVu Sans Bold (their hmtx tables, in 1/1000 em,
 * rounded up), for printable ASCII. DejaVu Sans is the widest of the fonts the drawing
 * names (Helvetica and Arial are narrower), and the PNG renderer uses it, so text measured
 * here fits its box in any of them. Other characters count as a full em, to be safe.
 * test/drawing/text-fit.test.ts renders samples and checks the estimate holds.
 */

// prettier-ignore
const REGULAR = [
  318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637, 637, 637, 637, 637, 637, 637,
  637, 637, 337, 337, 838, 838, 838, 531, 1000, 685, 687, 699, 771, 632, 576, 775, 752, 295, 295, 656, 558, 863, 749, 788,
  604, 788, 695, 635, 611, 732, 685, 989, 686, 611, 686, 391, 337, 391, 838, 500, 500, 613, 635, 550, 635, 616, 353, 635,
  634, 278, 278, 580, 278, 975, 634, 612, 635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838,
];
// prettier-ignore
const BOLD = [
  349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366, 696, 696, 696, 696, 696, 696, 696, 696,
  696, 696, 400, 400, 838, 838, 838, 581, 1000, 774, 763, 734, 831, 684, 684, 821, 837, 373, 373, 775, 638, 996, 837, 851,
  733, 851, 771, 721, 683, 813, 774, 1104, 771, 725, 726, 458, 366, 458, 838, 500, 500, 675, 716, 593, 716, 679, 436, 716,
  712, 343, 343, 666, 343, 1042, 712, 688, 716, 716, 494, 596, 479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838,
];

export interface TextStyle {
  readonly fontSize: number;
  readonly bold?: boolean;
}

function advance(char: string, bold: boolean | undefined): number {
  const code = char.codePointAt(0)!;
  if (code < 32 || code > 126) return 1000;
  return (bold ? BOLD : REGULAR)[code - 32];
}

/** Estimated width in px of `text` set in `style`. */
export function textWidth(text: string, style: TextStyle): number {
  let thousandths = 0;
  for (const char of text) thousandths += advance(char, style.bold);
  return (thousandths / 1000) * style.fontSize;
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
