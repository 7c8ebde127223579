import { PNG } from 'pngjs';
import { expect, it } from 'vitest';
import { svgToPng } from '../../src/composite/explain/svg-to-png.js';
import { textWidth, type TextStyle } from '../../src/drawing/index.js';

const SAMPLES = [
  'socialInsurance',
  'Query.getSocialInsurance',
  'customerStatement (query)',
  'unless $verified',
  'WWWWMMMM@@%%',
  'mmmmwwwwmmmm',
  'iiiillll....',
  '0123456789$_',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  'abcdefghijklmnopqrstuvwxyz',
];
const STYLES: TextStyle[] = [{ fontSize: 14, bold: true }, { fontSize: 11 }, { fontSize: 15, bold: true }];

/**
 * The layout sizes boxes from estimated text widths (src/drawing/measure-text.ts); the
 * PNG renderer sets the text in DejaVu Sans, the widest font the drawing names. Rendered,
 * each sample must fit its estimate, and the estimate must not waste much room either.
 */
it('estimated text widths hold the text as DejaVu Sans renders it, with almost nothing to spare', async () => {
  const rows = SAMPLES.flatMap((text) => STYLES.map((style) => ({ text, style })));
  const rowHeight = 30;
  const x = 10;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="${rows.length * rowHeight}" font-family="Helvetica, Arial, 'DejaVu Sans', sans-serif">`,
    ...rows.map(
      ({ text, style }, i) =>
        `<text x="${x}" y="${i * rowHeight + 22}" font-size="${style.fontSize}"${style.bold ? ' font-weight="bold"' : ''}>${text.replace(/&/g, '&amp;')}</text>`,
    ),
    '</svg>',
  ].join('');
  const png = PNG.sync.read(Buffer.from(await svgToPng(svg, { scale: 1 })));
  const report = rows.map(({ text, style }, i) => {
    let right = -1;
    for (let y = i * rowHeight; y < (i + 1) * rowHeight; y++) {
      for (let px = 0; px < png.width; px++) {
        if (png.data[(png.width * y + px) * 4] < 200) right = Math.max(right, px);
      }
    }
    const rendered = right + 1 - x;
    const estimated = textWidth(text, style);
    return { text, size: style.fontSize, bold: !!style.bold, rendered, // One pixel of anti-aliasing may spill past the last glyph's advance.
      fits: rendered <= estimated + 1, ratio: Math.round((estimated / rendered) * 100) / 100 };
  });
  for (const row of report) {
    expect(row.rendered, `${row.text} at ${row.size}px was not rendered`).toBeGreaterThan(0);
    expect(row, `${row.text} at ${row.size}px: rendered ${row.rendered}px`).toMatchObject({ fits: true });
    expect(row.ratio, `${row.text} at ${row.size}px: the estimate wastes room`).toBeLessThan(1.1);
  }
});
