export async function soap() { return { markdown: '', raw: null }; }
