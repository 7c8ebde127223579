import { describe, expect, it } from 'vitest';
import { safeUrl } from '../../src/sources/http/call-span.js';
import { registerSecret } from '../../src/sources/http/secrets.js';

describe('the URL an upstream call span shows', () => {
  it('drops user and password, replaces credential-like query parameters, keeps the rest', () => {
    expect(safeUrl('https://svc:pw@api.example.com/v1/items?limit=5&api_key=k&access_token=t&sig=s&page=2')).toEqual({
      text: 'https://api.example.com/v1/items?limit=5&api_key=REDACTED&access_token=REDACTED&sig=REDACTED&page=2',
      host: 'api.example.com',
      port: 443,
    });
  });

  it('reads host and port without a query, and redacts a registered secret in the path', () => {
    registerSecret('path-secret-424242');
    expect(safeUrl('http://10.0.0.7:8080/tenants/path-secret-424242/orders/1')).toEqual({
      text: 'http://10.0.0.7:8080/tenants/[redacted]/orders/1',
      host: '10.0.0.7',
      port: 8080,
    });
    expect(safeUrl('http://orders.internal/orders/2')).toMatchObject({ host: 'orders.internal', port: 80 });
  });

  it('shows what it can of a URL that does not parse, never its query', () => {
    expect(safeUrl('not a url?token=abc')).toEqual({ text: 'not a url' });
  });
});
