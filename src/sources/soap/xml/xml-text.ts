/**
 * Escaping for XML text and attribute values. Characters XML 1.0 cannot carry at all
 * (most C0 controls) are dropped rather than sent, since no upstream could read them.
 */

const TEXT_SPECIAL = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const ATTRIBUTE_SPECIAL = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\t\n\r]/;

export function escapeText(value: string): string {
  // Most values need nothing; test once before paying for a replace.
  return TEXT_SPECIAL.test(value) ? value.replace(/[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, replacement) : value;
}

export function escapeAttribute(value: string): string {
  return ATTRIBUTE_SPECIAL.test(value)
    ? value.replace(/[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\t\n\r]/g, replacement)
    : value;
}

function replacement(char: string): string {
  switch (char) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    case '\t':
      return '&#9;';
    case '\n':
      return '&#10;';
    case '\r':
      return '&#13;';
    default:
      return '';
  }
}
