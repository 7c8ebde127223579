export async function scale() { return { markdown: '', raw: null }; }
