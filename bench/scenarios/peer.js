export async function peer() { return { markdown: '', raw: null }; }
