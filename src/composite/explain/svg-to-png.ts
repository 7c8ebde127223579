import { existsSync } from 'node:fs';
import { pngInThread } from './drawing-worker.js';

/**
 * Where Debian (fonts-dejavu-core, which fontconfig depends on, so most installs have it)
 * and other distributions keep DejaVu Sans, the font the drawing is
 * measured for (src/drawing/measure-text.ts). SKEIN_FONT_DIR names the folder to use instead.
 */
const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF', '/usr/local/share/fonts'];
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

function fontFiles(): string[] {
  const dirs = process.env.SKEIN_FONT_DIR ? [process.env.SKEIN_FONT_DIR] : FONT_DIRS;
  const dir = dirs.find((candidate) => FONT_FILES.every((file) => existsSync(`${candidate}/${file}`)));
  if (!dir) {
    throw new Error(
      `drawing a PNG needs the DejaVu Sans font (${FONT_FILES.join(', ')}), found in none of ${dirs.join(', ')}: ` +
        'install it (Debian/Ubuntu: apt-get install fonts-dejavu-core) or set SKEIN_FONT_DIR to the folder holding those files',
    );
  }
  return FONT_FILES.map((file) => `${dir}/${file}`);
}

/**
 * Renders an SVG document to PNG bytes with resvg (WebAssembly: no native build, no
 * browser), `scale` times its size, in the drawing thread (drawing-worker.ts).
 */
export function svgToPng(svg: string, options: { scale?: number } = {}): Promise<Uint8Array> {
  return pngInThread(svg, fontFiles(), options.scale ?? 2);
}
