// Groups failure messages into cause classes: the message with its document-specific
// parts (file names, positions, quoted names, numbers) replaced, cut to its first clause.

/** A short, stable pattern for an error message. */
export function causeClass(message) {
  // A message whose first line only introduces the cause ("…could be imported:") is classed by that cause too.
  const lines = String(message).split('\n');
  const first = lines[0].trimEnd().endsWith(':') && lines[1] ? `${lines[0].trimEnd()} ${lines[1].trim().replace(/^\S*?:\d+:\d+:\s*/, '')}` : lines[0];
  return first
    .replace(/^\S*?:\d+:\d+:\s*/, '') // file:line:column:
    .replace(/(?:\/[^\s:'"]+)+/g, '<path>')
    .replace(/https?:\/\/\S+/g, '<url>')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/`[^`]*`/g, '`…`')
    .replace(/\b[A-Z][A-Za-z0-9_]*\.[A-Za-z0-9_.]+\b/g, '<Type.field>')
    .replace(/\d+(\.\d+)?/g, 'N')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}
