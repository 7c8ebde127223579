/**
 * Whether an MQTT topic filter (`+` one level, `#` the rest, as the last level) matches a
 * concrete topic. Topics starting with `$` match only filters that start with `$` too.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && !filter.startsWith('$')) return false;
  const wanted = filter.split('/');
  const levels = topic.split('/');
  for (let i = 0; i < wanted.length; i++) {
    if (wanted[i] === '#') return i === wanted.length - 1;
    if (i >= levels.length) return false;
    if (wanted[i] !== '+' && wanted[i] !== levels[i]) return false;
  }
  return wanted.length === levels.length;
}
