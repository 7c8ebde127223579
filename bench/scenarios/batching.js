export async function batching() { return { markdown: '', raw: null }; }
