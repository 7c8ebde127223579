import { localOf, type QName } from './qname.js';

/**
 * A lookup of WSDL references (a port's binding, a binding's port type, an operation's
 * messages) that forgives an unqualified name. Strictly, `binding="StockBinding"` in a
 * document without a default namespace names StockBinding in no namespace, which nothing
 * defines when the definitions have a target namespace; node-soap matches by local name
 * and reads such documents, and so does Skein, but only when the strict name finds
 * nothing and exactly one definition has that local name. An ambiguous name is left as
 * written, so it is reported as not defined rather than guessed.
 */
export function localNameFallback(definitions: ReadonlyMap<QName, unknown>): (name: QName) => QName {
  const byLocal = new Map<string, QName[]>();
  for (const key of definitions.keys()) {
    const local = localOf(key);
    byLocal.set(local, [...(byLocal.get(local) ?? []), key]);
  }
  return (name) => {
    if (definitions.has(name)) return name;
    const candidates = byLocal.get(localOf(name)) ?? [];
    return candidates.length === 1 ? candidates[0] : name;
  };
}
