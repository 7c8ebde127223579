export async function composite() { return { markdown: '', raw: null }; }
