import { SchemaError, type SchemaLocation } from '../../../errors/schema-error.js';
import { describeQName, localOf } from './qname.js';
import type { Binding, Port, PortType, SoapVersion, WsdlDefinitions } from './wsdl-model.js';

/** What a user may say about which endpoint of a WSDL to call. */
export interface PortChoice {
  readonly service?: string;
  readonly port?: string;
  readonly soapVersion?: SoapVersion;
}

export interface SelectedPort {
  readonly port: Port;
  readonly binding: Binding;
  readonly portType: PortType;
  readonly soapVersion: SoapVersion;
  /** Every SOAP port of the WSDL, the chosen one included, for summaries and messages. */
  readonly candidates: readonly Port[];
}

/**
 * Picks the port to call. A WSDL often offers the same operations twice, over SOAP 1.1
 * and SOAP 1.2 (and sometimes over plain HTTP, which is ignored). Without a choice,
 * the first SOAP 1.1 port wins: every SOAP stack speaks 1.1, not every one speaks 1.2.
 */
export function selectPort(definitions: WsdlDefinitions, choice: PortChoice, where?: SchemaLocation): SelectedPort {
  const candidates = soapPorts(definitions);
  const describe = () =>
    candidates.map((p) => `${p.name} (SOAP ${definitions.bindings.get(p.binding)!.soapVersion}, service ${p.service})`).join(', ') ||
    'none';
  if (candidates.length === 0) {
    throw new SchemaError(`${definitions.location} declares no SOAP 1.1 or 1.2 port or binding`, where);
  }
  let matching = candidates;
  if (choice.service !== undefined) {
    matching = matching.filter((p) => p.service === choice.service);
    if (matching.length === 0) {
      const services = [...new Set(candidates.map((p) => p.service))].join(', ');
      throw new SchemaError(`service "${choice.service}" is not in ${definitions.location} (services: ${services})`, where);
    }
  }
  if (choice.port !== undefined) {
    matching = matching.filter((p) => p.name === choice.port);
    if (matching.length === 0) {
      throw new SchemaError(`port "${choice.port}" is not in ${definitions.location} (SOAP ports: ${describe()})`, where);
    }
  }
  const versionOf = (p: Port) => definitions.bindings.get(p.binding)!.soapVersion!;
  if (choice.soapVersion !== undefined) {
    matching = matching.filter((p) => versionOf(p) === choice.soapVersion);
    if (matching.length === 0) {
      throw new SchemaError(
        `${definitions.location} has no SOAP ${choice.soapVersion} port${choice.port ? ` named "${choice.port}"` : ''} (SOAP ports: ${describe()})`,
        where,
      );
    }
  }
  const port = matching.find((p) => versionOf(p) === '1.1') ?? matching[0];
  const binding = definitions.bindings.get(port.binding)!;
  const portType = definitions.portTypes.get(binding.portType);
  if (!portType) {
    throw new SchemaError(
      `binding ${describeQName(binding.name)} refers to port type ${describeQName(binding.portType)}, which is not defined`,
      binding.where,
    );
  }
  return { port, binding, portType, soapVersion: versionOf(port), candidates };
}

/** SOAP ports; a WSDL without a service section offers its SOAP bindings as ports without an address. */
function soapPorts(definitions: WsdlDefinitions): Port[] {
  const ports = definitions.ports.filter((port) => {
    const binding = definitions.bindings.get(port.binding);
    if (!binding) {
      throw new SchemaError(`port "${port.name}" refers to binding ${describeQName(port.binding)}, which is not defined`, port.where);
    }
    return binding.soapVersion !== undefined;
  });
  if (ports.length > 0 || definitions.ports.length > 0) return ports;
  return [...definitions.bindings.values()]
    .filter((binding) => binding.soapVersion !== undefined)
    .map((binding) => ({ service: '', name: localOf(binding.name), binding: binding.name, where: binding.where }));
}
