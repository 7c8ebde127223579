import type { AdminClient } from '../shared/admin-client';
import type { NoticeState } from '../shared/Notice';

/** Imports an export (XML or JSON, as `skein import` does) as the composite's next version. */
export async function importComposite(admin: AdminClient, document: string, file: string): Promise<NoticeState> {
  try {
    const { import: result } = await admin.request<{ import: { composite: { name: string; version: number; state: string }; warnings: string[] } }>(
      'mutation($document: String!) { import(document: $document) { composite { name version state } warnings } }',
      { document },
    );
    const { name, version, state } = result.composite;
    const warnings = result.warnings.length ? ` Warnings: ${result.warnings.join('; ')}` : '';
    return { kind: 'ok', text: `Imported ${file}: ${name} v${version} (${state.toLowerCase()}).${warnings}` };
  } catch (error) {
    return { kind: 'error', text: `${file} was not imported: ${error instanceof Error ? error.message : String(error)}` };
  }
}
