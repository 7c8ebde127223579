// A small SOAP service description for the boundary tests: one operation, GetThing,
// whose types come from an XSD that the WSDL brings in by whatever reference a test gives.

/** An XSD declaring GetThing and Thing, Thing documented with `doc`. */
export const thingsXsd = (doc: string) => `<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:x="urn:x" targetNamespace="urn:x" elementFormDefault="qualified">
  <xsd:element name="GetThing"><xsd:complexType><xsd:sequence><xsd:element name="id" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>
  <xsd:element name="GetThingResponse"><xsd:complexType><xsd:sequence><xsd:element name="thing" type="x:Thing"/></xsd:sequence></xsd:complexType></xsd:element>
  <xsd:complexType name="Thing"><xsd:annotation><xsd:documentation>${doc}</xsd:documentation></xsd:annotation>
    <xsd:sequence><xsd:element name="name" type="xsd:string"/></xsd:sequence></xsd:complexType>
</xsd:schema>
`;

/** A WSDL whose one operation uses the types of the XSD that `reference` (an xsd:import, say) brings in. */
export const thingsWsdl = (reference: string) => `<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:x="urn:x" xmlns:tns="urn:svc" targetNamespace="urn:svc">
  ${reference.startsWith('<wsdl:import') ? reference : ''}
  <wsdl:types>
    <xsd:schema targetNamespace="urn:x">
      ${reference.startsWith('<wsdl:import') ? '' : reference}
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="GetThingIn"><wsdl:part name="parameters" element="x:GetThing"/></wsdl:message>
  <wsdl:message name="GetThingOut"><wsdl:part name="parameters" element="x:GetThingResponse"/></wsdl:message>
  <wsdl:portType name="Things"><wsdl:operation name="GetThing"><wsdl:input message="tns:GetThingIn"/><wsdl:output message="tns:GetThingOut"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="ThingsSoap" type="tns:Things">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>
    <wsdl:operation name="GetThing"><soap:operation soapAction="urn:GetThing"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="ThingService"><wsdl:port name="ThingsSoap" binding="tns:ThingsSoap"><soap:address location="http://127.0.0.1:9/things"/></wsdl:port></wsdl:service>
</wsdl:definitions>
`;

