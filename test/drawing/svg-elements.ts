import { XMLParser } from 'fast-xml-parser';

/** The parts of a flow SVG that the console and tests read from the DOM, parsed as XML. */
export interface SvgElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: SvgElement[];
  readonly text: string;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, trimValues: false });

export function parseSvg(svg: string): SvgElement {
  const nodes = parser.parse(svg) as unknown[];
  const root = nodes.map(toElement).find((element) => element?.name === 'svg');
  if (!root) throw new Error(`expected an <svg> document, got: ${svg.slice(0, 80)}`);
  return root;
}

function toElement(node: unknown): SvgElement | undefined {
  const record = node as Record<string, unknown>;
  const name = Object.keys(record).find((key) => key !== ':@');
  if (!name || name === '#text') return undefined;
  const children = (record[name] as unknown[]).map(toElement).filter((c): c is SvgElement => c !== undefined);
  const text = (record[name] as Record<string, unknown>[])
    .filter((c) => '#text' in c)
    .map((c) => String(c['#text']))
    .join('');
  return { name, attributes: (record[':@'] as Record<string, string>) ?? {}, children, text };
}

/** Every element under `root` (itself included) that `match` accepts, in document order. */
export function findAll(root: SvgElement, match: (element: SvgElement) => boolean): SvgElement[] {
  const found: SvgElement[] = [];
  const visit = (element: SvgElement) => {
    if (match(element)) found.push(element);
    element.children.forEach(visit);
  };
  visit(root);
  return found;
}

export const byClass = (name: string) => (element: SvgElement) => (element.attributes.class ?? '').split(/\s+/).includes(name);

/** All text inside `element`, its descendants' included. */
export function textOf(element: SvgElement): string {
  return element.text + element.children.map(textOf).join('');
}
