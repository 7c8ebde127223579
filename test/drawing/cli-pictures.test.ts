import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { skein, SKEIN } from '../helpers/cli.js';
import { byClass, findAll, parseSvg } from './svg-elements.js';

const run = promisify(execFile);
const SCHEMA = path.resolve('schema');

/** The pixels of a PNG file, decoded by pngjs (not by the renderer that wrote it). */
function decode(file: string): PNG {
  return PNG.sync.read(readFileSync(file));
}

/** Pixels inside the rectangle (in image pixels) darker than `threshold` on every channel. */
function darkPixels(png: PNG, x0: number, y0: number, x1: number, y1: number, threshold = 90): number {
  let dark = 0;
  for (let y = Math.max(0, y0); y < Math.min(png.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(png.width, x1); x++) {
      const at = (png.width * y + x) * 4;
      if (png.data[at] < threshold && png.data[at + 1] < threshold && png.data[at + 2] < threshold) dark++;
    }
  }
  return dark;
}

describe('skein plan draws pictures', () => {
  it('--format svg prints the drawing of the demo salary composite', async () => {
    const result = await skein('plan', 'salary', '--schema', SCHEMA, '--format', 'svg');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const svg = parseSvg(result.stdout);
    expect(findAll(svg, byClass('flow-step')).map((g) => g.attributes['data-step'])).toEqual(['grossSalary', 'socialInsurance', 'netSalary']);
    expect(findAll(svg, byClass('flow-edge'))).toHaveLength(3);
  });

  it('--format png --out writes a PNG of the picture, twice its size, with its text rendered', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-drawing-'));
    const svgFile = path.join(dir, 'hotelOrder.svg');
    const pngFile = path.join(dir, 'picture.png');
    expect((await skein('plan', 'hotelOrder', '--schema', SCHEMA, '--format', 'svg', '--out', svgFile)).code).toBe(0);
    const result = await skein('plan', 'hotelOrder', '--schema', SCHEMA, '--format', 'png', '--out', pngFile);
    expect(result.code).toBe(0);
    expect(result.stderr.trim()).toBe(`wrote the png plan of hotelOrder to ${pngFile}`);
    expect(result.stdout).toBe('');

    const svg = parseSvg(readFileSync(svgFile, 'utf8'));
    const png = decode(pngFile);
    expect([png.width, png.height]).toEqual([Number(svg.attributes.width) * 2, Number(svg.attributes.height) * 2]);
    // Corners are the white background, not transparent.
    expect([...png.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    // The title is drawn in dark text at the top left; nothing else is dark there.
    expect(darkPixels(png, 40, 30, 400, 70)).toBeGreaterThan(300);
    // Inside each step's box, its name is drawn in dark text.
    const offset = Number(/translate\(0 (\d+)\)/.exec(readFileSync(svgFile, 'utf8'))![1]);
    for (const step of findAll(svg, byClass('flow-step'))) {
      const rect = step.children.find((c) => c.name === 'rect')!.attributes;
      const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((k) => Number(rect[k]) * 2);
      expect({ step: step.attributes['data-step'], text: darkPixels(png, x + 8, y + offset * 2 + 8, x + w - 8, y + offset * 2 + h - 8) > 100 }).toEqual({
        step: step.attributes['data-step'],
        text: true,
      });
    }
  });

  it('--format png says which font it needs and where it looked when the font is missing', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'skein-no-fonts-'));
    const out = path.join(empty, 'salary.png');
    const failed = await run('node', [SKEIN, 'plan', 'salary', '--schema', SCHEMA, '--format', 'png', '--out', out], {
      env: { ...process.env, SKEIN_FONT_DIR: empty, NO_COLOR: '1' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr.trim()).toBe(
      `skein: drawing a PNG needs the DejaVu Sans font (DejaVuSans.ttf, DejaVuSans-Bold.ttf), found in none of ${empty}: ` +
        'install it (Debian/Ubuntu: apt-get install fonts-dejavu-core) or set SKEIN_FONT_DIR to the folder holding those files',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('--format png --out - writes the PNG to stdout, for a pipe', async () => {
    const { stdout } = await run('node', [SKEIN, 'plan', 'salary', '--schema', SCHEMA, '--format', 'png', '--out', '-'], { encoding: 'buffer' });
    expect(PNG.sync.read(stdout).width).toBeGreaterThan(400);
  });

  it('--format png without --out writes <composite>.png where it runs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-drawing-'));
    const { stderr } = await run('node', [SKEIN, 'plan', 'customerStatement', '--schema', SCHEMA, '--format', 'png'], { cwd: dir });
    expect(stderr.trim()).toBe('wrote the png plan of customerStatement to customerStatement.png');
    expect(decode(path.join(dir, 'customerStatement.png')).width).toBeGreaterThan(400);
  });
});
