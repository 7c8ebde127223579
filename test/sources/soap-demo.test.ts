import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { grossSalary, netSalary, room, socialInsurance } from '../../src/demo/soap-services.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const DELAY_MS = 60;

describe('the demo SOAP services, through the demo schema', () => {
  let demo: DemoUpstreams;
  let gateway: TestGateway;

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: DELAY_MS });
    const input = loadSchemaFolder('schema');
    gateway = await startTestGateway(
      {
        sources: Object.fromEntries(input.sources.map((file) => [file.path, file.text])),
        composites: Object.fromEntries(input.composites.map((file) => [file.path, file.text])),
      },
      { urls: demo.urls },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await demo?.close();
  });

  it('answers room(roomId:) with roomId type floor hasWindow, after the demo delay', async () => {
    const order = await gateway.query(`{ order(id: "3") { roomId } }`);
    const roomId = order.data!.order.roomId as string;
    const started = Date.now();
    const answer = await gateway.query(`query ($roomId: ID!) { room(roomId: $roomId) { roomId type floor hasWindow } }`, { roomId });
    expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_MS - 5);
    const expected = room(roomId)!;
    expect(answer).toMatchObject({
      data: { room: { roomId, type: expected.type.toUpperCase(), floor: expected.floor, hasWindow: expected.hasWindow } },
    });
  });

  it('chains gross salary → social insurance → net salary', async () => {
    const gross = (await gateway.query(`{ getGrossSalary(employeeId: "8") }`)).data!.getGrossSalary as number;
    expect(gross).toBe(grossSalary('8'));
    const insurance = (await gateway.query(`query ($g: Float!) { getSocialInsurance(grossSalary: $g) }`, { g: gross })).data!
      .getSocialInsurance as number;
    expect(insurance).toBe(socialInsurance(gross));
    const net = await gateway.query(`query ($g: Float!, $i: Float!) { getNetSalary(grossSalary: $g, socialInsurance: $i) }`, {
      g: gross,
      i: insurance,
    });
    expect(net.data).toEqual({ getNetSalary: netSalary(gross, insurance) });
  });

  it('answers an unknown room or employee with a SOAP_FAULT', async () => {
    const answer = await gateway.query(`{ room(roomId: "x") { roomId } getGrossSalary(employeeId: "999") }`);
    expect(answer.data).toEqual({ room: null, getGrossSalary: null });
    expect(answer.errors!.map((e) => [e.extensions!.code, e.extensions!.source, e.extensions!.faultString])).toEqual([
      ['SOAP_FAULT', 'rooms', 'Room x does not exist'],
      ['SOAP_FAULT', 'payroll', 'Employee 999 does not exist'],
    ]);
  });
});
