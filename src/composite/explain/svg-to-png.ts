import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * Where Debian (fonts-dejavu-core, present on a fresh install and pulled in by most
 * desktop packages) and other distributions keep DejaVu Sans, the font the drawing is
 * measured for (src/drawing/measure-text.ts). SKEIN_FONT_DIR names another folder.
 */
const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF', '/usr/local/share/fonts'];
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

let ready: Promise<{ Resvg: typeof import('@resvg/resvg-wasm').Resvg; fonts: Uint8Array[] }> | undefined;

/** resvg's WebAssembly (about 2.4 MB) and the fonts are loaded on the first picture only. */
function load() {
  ready ??= (async () => {
    const resvg = await import('@resvg/resvg-wasm');
    const require = createRequire(import.meta.url);
    await resvg.initWasm(await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    return { Resvg: resvg.Resvg, fonts: await Promise.all(fontFiles().map((file) => readFile(file))) };
  })();
  ready.catch(() => (ready = undefined));
  return ready;
}

function fontFiles(): string[] {
  const dirs = process.env.SKEIN_FONT_DIR ? [process.env.SKEIN_FONT_DIR, ...FONT_DIRS] : FONT_DIRS;
  const dir = dirs.find((candidate) => FONT_FILES.every((file) => existsSync(`${candidate}/${file}`)));
  if (!dir) {
    throw new Error(
      `drawing a PNG needs the DejaVu Sans font (${FONT_FILES.join(', ')}), found in none of ${dirs.join(', ')}: ` +
        'install it (Debian/Ubuntu: apt-get install fonts-dejavu-core) or set SKEIN_FONT_DIR to the folder holding those files',
    );
  }
  return FONT_FILES.map((file) => `${dir}/${file}`);
}

/** Renders an SVG document to PNG bytes with resvg (WebAssembly: no native build, no browser). */
export async function svgToPng(svg: string, options: { scale?: number } = {}): Promise<Uint8Array> {
  const { Resvg, fonts } = await load();
  const renderer = new Resvg(svg, {
    font: { fontBuffers: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: 'white',
  });
  try {
    const image = renderer.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    renderer.free();
  }
}
