import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOpenAPI } from '../../src/sources/rest/openapi/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// A schema that constrains nothing (`items: {}`, a property with only a description) allows
// every JSON value, null included. Found by the OpenAPI round trip (corpus/lib/roundtrip/openapi)
// in Twilio Verify, whose `send_code_attempts` is `type: array, items: {}`: Skein typed it
// `[JSON!]`, so an upstream list holding a null failed the whole field.
const DOCUMENT = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Attempts', version: '1' },
  servers: [{ url: 'https://attempts.example.com' }],
  paths: {
    '/verification': {
      get: {
        operationId: 'getVerification',
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['attempts', 'extra', 'counted'],
                  properties: {
                    attempts: { type: 'array', nullable: true, items: {} },
                    extra: { description: 'Anything the service adds.' },
                    counted: { type: 'array', items: { type: 'integer' } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
});

describe('OpenAPI import: a schema that constrains nothing is nullable', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  let sdl: string;

  beforeAll(async () => {
    sdl = (await importOpenAPI('attempts.json', { source: 'attempts', text: DOCUMENT })).sdl;
    upstream = await startRecordingUpstream({
      'GET /verification': { json: { attempts: [{ channel: 'sms' }, null, 3], extra: null, counted: [1, 2] } },
    });
    gateway = await startTestGateway({ sources: { 'attempts.graphql': sdl } }, { urls: { attempts: upstream.url } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('types `items: {}` as a list of nullable JSON, and a description-only property as nullable', () => {
    expect(sdl).toMatch(/attempts: \[JSON\]\n/);
    expect(sdl).toMatch(/extra: JSON\n/);
    // A typed item stays non-null, and a required typed property stays required.
    expect(sdl).toMatch(/counted: \[Int!\]!\n/);
  });

  it('answers a list holding null, and a null where anything goes', async () => {
    const answer = await gateway.query('{ getVerification { attempts extra counted } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ getVerification: { attempts: [{ channel: 'sms' }, null, 3], extra: null, counted: [1, 2] } });
  });
});
