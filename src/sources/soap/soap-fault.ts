import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import { xmlToJson } from './response-decoder.js';
import type { XmlElement } from './xml/xml-tree.js';

/** What a SOAP Fault says, in either version's words. */
export interface SoapFault {
  /** `soap:Client` (1.1) or `soap:Sender` (1.2), as the upstream wrote it. */
  readonly faultCode: string;
  /** SOAP 1.2 subcodes, outermost first. */
  readonly faultSubcodes?: readonly string[];
  readonly faultString: string;
  readonly faultActor?: string;
  /** The fault's `detail`, as JSON (elements by local name), or null when there is none. */
  readonly detail: unknown;
}

/** The Fault in a Body child, or undefined when the child is not a Fault. */
export function readFault(element: XmlElement): SoapFault | undefined {
  if (element.local !== 'Fault') return undefined;
  const child = (name: string) => element.children.find((c) => c.local === name);
  const code = child('Code');
  if (code) {
    // SOAP 1.2: Code/Value with nested Subcode/Value, Reason/Text (one per language), Node, Detail.
    const subcodes: string[] = [];
    let subcode = code.children.find((c) => c.local === 'Subcode');
    while (subcode) {
      const value = subcode.children.find((c) => c.local === 'Value');
      if (value) subcodes.push(value.text.trim());
      subcode = subcode.children.find((c) => c.local === 'Subcode');
    }
    const reason = child('Reason');
    const texts = reason?.children.filter((c) => c.local === 'Text') ?? [];
    const text = texts.find((t) => (t.attributes['xml:lang'] ?? '').startsWith('en')) ?? texts[0];
    const detail = child('Detail');
    return {
      faultCode: code.children.find((c) => c.local === 'Value')?.text.trim() ?? '',
      faultSubcodes: subcodes.length > 0 ? subcodes : undefined,
      faultString: text?.text.trim() ?? '',
      faultActor: child('Node')?.text.trim() ?? child('Role')?.text.trim(),
      detail: detail ? detailJson(detail) : null,
    };
  }
  const detail = child('detail');
  return {
    faultCode: child('faultcode')?.text.trim() ?? '',
    faultString: child('faultstring')?.text.trim() ?? '',
    faultActor: child('faultactor')?.text.trim(),
    detail: detail ? detailJson(detail) : null,
  };
}

/** The SOAP_FAULT error for a field: the message says who, which call and what the upstream said. */
export function faultError(fault: SoapFault, source: string, label: string, status: number): UpstreamError {
  const code = fault.faultCode ? ` (${fault.faultCode})` : '';
  return new UpstreamError(
    UpstreamErrorCode.SOAP_FAULT,
    `Upstream "${source}" answered ${label} with a SOAP Fault${code}: ${fault.faultString || 'no fault string'}`,
    {
      source,
      status,
      faultCode: fault.faultCode,
      ...(fault.faultSubcodes ? { faultSubcodes: fault.faultSubcodes } : {}),
      faultString: fault.faultString,
      ...(fault.faultActor ? { faultActor: fault.faultActor } : {}),
      detail: fault.detail,
    },
  );
}

function detailJson(detail: XmlElement): unknown {
  if (detail.children.length === 0) return detail.text.trim() || null;
  return xmlToJson(detail);
}
