import { describe, expect, it } from 'vitest';
import { classifyName, formatClassifications, reasonOf, wordsOfName } from '../../src/sources/classify-operation.js';

// Real operation names, and what a person reading them would say: R reads, W writes,
// - says nothing (no verb; SOAP puts such names on Query, a POST stays a Mutation).
const TABLE: Readonly<Record<string, Readonly<Record<string, 'R' | 'W' | '-'>>>> = {
  'AWS EC2 / RDS': {
    DescribeInstances: 'R', DescribeDBInstances: 'R', DescribeLaunchTemplates: 'R', DescribeImportImageTasks: 'R',
    GetConsoleOutput: 'R', RunInstances: 'W', TerminateInstances: 'W', RebootInstances: 'W', StartInstances: 'W',
    StopInstances: 'W', CreateTags: 'W', DeleteTags: 'W', AllocateAddress: 'W', AssociateAddress: 'W',
    ModifyInstanceAttribute: 'W', ImportKeyPair: 'W', CopyImage: 'W', RequestSpotInstances: 'W',
    AcceptVpcPeeringConnection: 'W', ReportInstanceStatus: 'W',
  },
  'AWS S3': {
    GetObject: 'R', ListBuckets: 'R', ListObjectsV2: 'R', HeadObject: 'R', SelectObjectContent: 'R',
    GetBucketPolicyStatus: 'R', GetPublicAccessBlock: 'R', GetObjectLockConfiguration: 'R', ListMultipartUploads: 'R',
    PutObject: 'W', DeleteObjects: 'W', CopyObject: 'W', RestoreObject: 'W', PutBucketTagging: 'W',
    CreateMultipartUpload: 'W', UploadPart: 'W', CompleteMultipartUpload: 'W', AbortMultipartUpload: 'W',
  },
  'AWS DynamoDB': {
    GetItem: 'R', Query: 'R', Scan: 'R', BatchGetItem: 'R', TransactGetItems: 'R', DescribeTable: 'R', ListTables: 'R',
    DescribeContinuousBackups: 'R', 'DynamoDB_20120810.DescribeTable': 'R',
    PutItem: 'W', BatchWriteItem: 'W', TransactWriteItems: 'W', UpdateItem: 'W', DeleteTable: 'W', CreateBackup: 'W',
    RestoreTableFromBackup: 'W', UpdateTimeToLive: 'W', TagResource: 'W', UntagResource: 'W', 'DynamoDB_20120810.PutItem': 'W',
  },
  Adyen: {
    getCostEstimate: 'R', get3dsAvailability: 'R', listRecurringDetails: 'R',
    authorise: 'W', capture: 'W', refund: 'W', cancel: 'W', cancelOrRefund: 'W', adjustAuthorisation: 'W', disable: 'W',
    storeToken: 'W', storeDetailAndSubmitThirdParty: 'W', confirmThirdParty: 'W', declineThirdParty: 'W',
    payments: '-', sessions: '-',
  },
  Amadeus: {
    Fare_MasterPricerTravelBoardSearch: 'R', PNR_Retrieve: 'R', Queue_List: 'R', Ticket_DisplayTST: 'R',
    Air_MultiAvailability: 'R', Air_RetrieveSeatMap: 'R', Fare_CheckRules: 'R',
    PNR_AddMultiElements: 'W', Air_SellFromRecommendation: 'W', Security_Authenticate: 'W', Security_SignOut: 'W',
    Ticket_CreateTSTFromPricing: 'W', DocIssuance_IssueTicket: 'W', Hotel_Sell: 'W', PNR_Cancel: 'W', Queue_PlacePNR: 'W',
    Fare_PricePNRWithBookingClass: '-', Command_Cryptic: '-',
  },
  'AFIP (Argentina) WSFE': {
    FEParamGetTiposCbte: 'R', FEParamGetCotizacion: 'R', FEParamGetPtosVenta: 'R', FECompConsultar: 'R',
    FECAEAConsultar: 'R', FECAEASinMovimientoConsultar: 'R',
    FECAESolicitar: 'W', FECAEASolicitar: 'W', FECAEASinMovimientoInformar: 'W',
    // "last authorized", "dummy" and a request for a total: no verb, and all three only read.
    FECompUltimoAutorizado: '-', FEDummy: '-', FECompTotXRequest: '-',
  },
  'FedEx web services (node-shipping-fedex)': {
    validateShipment: 'R', getRates: 'R', track: 'R', searchLocations: 'R', getPickupAvailability: 'R',
    retrieveJobResults: 'R', retrieveSignatureProofOfDeliveryLetter: 'R', serviceAvailability: 'R',
    processShipment: 'W', processTag: 'W', deleteShipment: 'W', deleteTag: 'W', createPickup: 'W', cancelPickup: 'W',
    groundClose: 'W', smartPostClose: 'W', closeWithDocuments: 'W', groundCloseWithDocuments: 'W',
    reprintGroundCloseDocuments: 'W', sendNotifications: 'W', sendSignatureProofOfDeliveryFax: 'W',
    addressValidation: '-',
  },
  'Salesforce SOAP API': {
    query: 'R', queryAll: 'R', queryMore: 'R', retrieve: 'R', search: 'R', describeSObject: 'R', describeGlobal: 'R',
    getUpdated: 'R', getDeleted: 'R', getServerTimestamp: 'R', getUserInfo: 'R', describeLayout: 'R',
    create: 'W', update: 'W', upsert: 'W', delete: 'W', merge: 'W', undelete: 'W', convertLead: 'W', emptyRecycleBin: 'W',
    login: 'W', logout: 'W', resetPassword: 'W', setPassword: 'W', sendEmail: 'W', process: 'W', invalidateSessions: 'W',
  },
  'eBay Trading API': {
    GetItem: 'R', VerifyAddItem: 'R', VerifyAddFixedPriceItem: 'R', GetMyeBaySelling: 'R', GetCategories: 'R',
    GetSellerList: 'R', GeteBayDetails: 'R',
    AddItem: 'W', ReviseItem: 'W', RelistItem: 'W', EndItem: 'W', CompleteSale: 'W', LeaveFeedback: 'W',
    RespondToBestOffer: 'W', SetNotificationPreferences: 'W', PlaceOffer: 'W', AddToWatchList: 'W',
    RemoveFromWatchList: 'W', UploadSiteHostedPictures: 'W', ReviseInventoryStatus: 'W', EndFixedPriceItem: 'W',
  },
  'PayPal SOAP API': {
    GetExpressCheckoutDetails: 'R', GetTransactionDetails: 'R', TransactionSearch: 'R', GetBalance: 'R',
    GetRecurringPaymentsProfileDetails: 'R', BMButtonSearch: 'R', AddressVerify: 'R', GetPalDetails: 'R',
    DoDirectPayment: 'W', DoExpressCheckoutPayment: 'W', SetExpressCheckout: 'W', RefundTransaction: 'W', MassPay: 'W',
    DoCapture: 'W', DoVoid: 'W', DoAuthorization: 'W', ManageRecurringPaymentsProfileStatus: 'W',
    CreateRecurringPaymentsProfile: 'W', BillOutstandingAmount: 'W', UpdateRecurringPaymentsProfile: 'W',
    BMCreateButton: 'W', BillAgreementUpdate: 'W',
  },
  'other shapes: snake_case, kebab, paths, other languages': {
    get_user_by_id: 'R', get_order_status: 'R', 'issues/list-for-repo': 'R', 'repos/create-fork': 'W', delete_order: 'W',
    CheckAvailability: 'R', CheckIn: 'W', CheckOut: 'W', GetOrder: 'R', GetBook: 'R', BookRoom: 'W', OrderPizza: 'W',
    GetChange: 'R', DescribeUpdate: 'R', InvoiceUpdate: 'W', CustomerCreate: 'W', CreateAndGetOrder: 'W', GetOrCreateUser: 'W',
    ValidateCreateOrder: 'R', GetSendQuota: 'R', GetLoginProfile: 'R', OrderStatus: 'R', TransferDetails: 'R', OrderHistory: '-',
    ConsultarCUIT: 'R', ObtenerFactura: 'R', ListarClientes: 'R', BuscarProducto: 'R', EnviarFactura: 'W', AnularComprobante: 'W',
    ConsultaProtocolo: 'R', KundeAbfragen: 'R', HoleAuftrag: 'R', AuftragStornieren: 'W', KundeLöschen: 'W', KundeLoeschen: 'W',
    Version: 'R', Status: 'R', Ping: '-', Dummy: '-', Echo: '-', TestConnection: '-',
  },
};

const LETTER = { read: 'R', write: 'W', none: '-' } as const;

describe('classifying operations by the words of their names', () => {
  for (const [api, names] of Object.entries(TABLE)) {
    it(`reads ${api} as a person would`, () => {
      const got = Object.fromEntries(Object.keys(names).map((name) => [name, LETTER[classifyName(name).kind]]));
      expect(got).toEqual(names);
    });
  }

  it('splits camelCase, PascalCase, acronyms, digits and underscores into words', () => {
    expect(wordsOfName('FEParamGetTiposCbte')).toEqual(['FE', 'Param', 'Get', 'Tipos', 'Cbte']);
    expect(wordsOfName('DescribeDBInstances')).toEqual(['Describe', 'DB', 'Instances']);
    expect(wordsOfName('get_user_by_id')).toEqual(['get', 'user', 'by', 'id']);
    expect(wordsOfName('ListObjectsV2')).toEqual(['List', 'Objects', 'V', '2']);
    expect(wordsOfName('DynamoDB_20120810.PutItem')).toEqual(['Dynamo', 'DB', '20120810', 'Put', 'Item']);
    expect(wordsOfName('KundeLöschen')).toEqual(['Kunde', 'Löschen']);
  });

  it('says which word decided, and that a write word won over a read word', () => {
    expect(reasonOf(classifyName('DescribeInstances'))).toBe('Describe');
    expect(reasonOf(classifyName('FEParamGetTiposCbte'))).toBe('Get');
    expect(reasonOf(classifyName('CreateAndGetOrder'))).toBe('Create over Get');
    expect(reasonOf(classifyName('CheckIn'))).toBe('CheckIn');
    expect(reasonOf(classifyName('FECompUltimoAutorizado'))).toBe('no verb');
    expect(reasonOf(classifyName('VerifyAddItem'))).toBe('Verify');
  });

  it('lists classifications for a summary, reads first, cut after a limit', () => {
    const classified = [
      { operation: 'CreateOrder', root: 'Mutation' as const, reason: 'Create' },
      { operation: 'DescribeInstances', root: 'Query' as const, reason: 'Describe' },
      { operation: 'FECompUltimoAutorizado', root: 'Query' as const, reason: 'no verb' },
    ];
    expect(formatClassifications(classified)).toBe(
      'DescribeInstances → Query (Describe), FECompUltimoAutorizado → Query (no verb), CreateOrder → Mutation (Create)',
    );
    expect(formatClassifications(classified, 1)).toBe('DescribeInstances → Query (Describe), … and 2 more');
  });

  // Where words alone mislead; the import summary lists these so the author can move them.
  it('knows its limits', () => {
    // AFIP's "Reg(istrar) Informativo" reports invoices: a write that abbreviates its verb.
    expect(classifyName('FECAEARegInformativo').kind).toBe('none');
    // A POST to a noun (Adyen's /paymentMethods lists them) cannot be told from a POST that creates.
    expect(classifyName('paymentMethods').kind).toBe('none');
  });
});
