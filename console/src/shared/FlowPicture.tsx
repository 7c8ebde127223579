import { useEffect, useState } from 'react';
import type { FlowInput } from '../../../src/drawing/index';

/**
 * A composite's flow, drawn in the page by the same library as `skein plan --format svg`
 * (src/drawing: ELK's layout, loaded with the first drawing). The SVG is built by that
 * library from plain data, every text escaped, so it is inserted as markup.
 */
export function FlowPicture({ flow, onDrawn }: { flow: FlowInput; onDrawn?: (svg: string) => void }) {
  const [svg, setSvg] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    setError(undefined);
    import('../../../src/drawing/index')
      .then(({ drawFlow }) => drawFlow(flow))
      .then((drawn) => {
        if (!current) return;
        setSvg(drawn);
        onDrawn?.(drawn);
      })
      .catch((e: unknown) => current && setError(`the flow could not be drawn: ${e instanceof Error ? e.message : String(e)}`));
    return () => {
      current = false;
    };
    // onDrawn is a callback of the parent; the drawing depends on the flow only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(flow)]);
  if (error) return <p role="alert" className="error">{error}</p>;
  if (!svg) return <p className="muted" aria-busy="true">Drawing {flow.name}…</p>;
  return <div className="flow-picture" data-flow={flow.name} dangerouslySetInnerHTML={{ __html: svg }} />;
}
