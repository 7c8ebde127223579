// Which response and media type an operation is read through: the same rules as Skein's
// importer documents (src/sources/rest/openapi/README.md, "Answers" and "Arguments"),
// restated here so the harness does not borrow the code it checks.

/** The documented success: the lowest 2xx, then `2XX`, then `default`. */
export function successStatus(statuses) {
  const exact = statuses.filter((s) => /^2\d\d$/.test(s)).sort();
  if (exact.length > 0) return exact[0];
  return statuses.find((s) => s.toUpperCase() === '2XX') ?? (statuses.includes('default') ? 'default' : undefined);
}

/** The first JSON media type of a `content` map (application/json, +json, *\/*). */
export function jsonMedia(content) {
  return Object.keys(content).find((type) => {
    const bare = type.split(';')[0].trim().toLowerCase();
    return bare === 'application/json' || bare.endsWith('+json') || bare === '*/*' || bare === 'application/*' || bare.endsWith('/json');
  });
}

/** The request body's media type Skein sends: JSON first, then form fields. */
export function requestMedia(content) {
  return jsonMedia(content) ?? Object.keys(content).find((type) => type.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded');
}
