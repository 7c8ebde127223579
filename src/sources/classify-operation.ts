/**
 * Whether an operation reads or writes, judged from the words of its name as a person
 * reading it would: `FEParamGetTiposCbte` reads (Get), `DescribeDBInstances` reads
 * (Describe), `CreateAndGetOrder` writes (Create wins over Get), `FECompUltimoAutorizado`
 * has no verb at all. Both importers use it: the WSDL importer for every operation, the
 * OpenAPI importer for operations sent with POST. What each makes of a name with no verb
 * differs (see `NameClass`), because a POST to a noun (`POST /pets`) creates something,
 * while a SOAP operation named by nouns alone (`Version`, `Status`) reports something.
 */

/** What the name says: a read word, a write word (which wins over any read word), or neither. */
export type NameClass =
  | { readonly kind: 'read'; readonly word: string }
  | { readonly kind: 'write'; readonly word: string; readonly over?: string }
  | { readonly kind: 'none' };

// Words that say the operation only reads. Counted anywhere in the name (`FEParamGetTiposCbte`).
// Validate, Verify, Check, Calculate and Estimate read: they answer about their input and change nothing.
// A few nouns count too: a name about availability, status or a version reports it.
// Ping, Echo and Test are not here: GitHub's POST `ping-webhook` and `test-push-webhook`
// make it send a delivery. A SOAP `Ping` still reads, as a name with no other verb.
const READ_WORDS = words(`
  get gets list lists describe search find query fetch lookup read count exists exist check retrieve show view
  browse display is has can validate verify calculate compute estimate preview simulate evaluate track trace
  locate select load inquire inquiry download scan head
  availability status version info information details summary statistics stats
  consultar consulta consultas obtener obter listar lista buscar busca pesquisar verificar validar calcular
  recuperar leer ler mostrar comprobar traer descargar
  abfrage abfragen abrufen hole holen lese lesen suche suchen liste auflisten pruefe pruefen berechne berechnen ermittle ermitteln
  obtenir lister rechercher chercher consulter lire afficher calculer
  ottieni ottenere leggi cerca elenca verifica calcola
`);

// Verbs that change something and are hardly ever nouns in operation names: counted anywhere,
// so a Spanish or German name that puts its verb last (`FECAESolicitar`) is read right.
const WRITE_WORDS = words(`
  create delete remove insert modify upsert replace put append submit cancel register deregister unregister
  authorize authorise authenticate purchase sell approve reject confirm decline activate deactivate enable disable
  assign unassign allocate deallocate associate disassociate attach detach terminate reboot restart provision
  deprovision revoke subscribe unsubscribe publish unpublish execute invoke enqueue dequeue purge erase destroy
  rename increment decrement acknowledge notify reissue reprint revise relist rebook synchronize untag unarchive
  unlock unban unblock unmute finalize finalise generate abort undelete invalidate adjust close
  solicitar informar registrar anular cancelar crear actualizar modificar eliminar borrar enviar emitir autorizar
  generar grabar guardar agregar insertar criar atualizar excluir alterar incluir cadastrar gravar
  erstelle erstellen anlegen aendere aendern loesche loeschen speichere speichern sende senden buche buchen
  storniere stornieren aktualisiere aktualisieren setze setzen fuege entferne entfernen uebermittle uebermitteln
  creer modifier supprimer ajouter envoyer annuler enregistrer
  crea modifica elimina cancella invia aggiorna inserisci registra
`);

// Verbs that are sometimes nouns (`GetUpdateStatus`, `GetSendQuota`): a write where a verb
// stands, at the head of the name or of a part (`PNR_Cancel`, `BatchUpdate`), or last when no
// read word leads (`InvoiceUpdate`, but `DescribeUpdate` reads).
const VERB_WRITE_WORDS = words(`
  update add save send set edit apply merge move clear reset restore rotate renew extend suspend pause write
  launch trigger process ship pay login logon logout logoff signin signout signup upload import withdraw void
  checkin checkout open start stop change convert manage end empty
`);

// Words that are more often nouns (`GetOrder`, `GetBook`, `GetChange`, `GetStop`): a write only
// at the head of the name or of a part (`BookRoom`, `OrderPizza`, `Hotel_Sell`).
const HEAD_WRITE_WORDS = words(`
  book order reserve record request return post place make do handle accept run report store
  complete leave respond reply invoice bill comment like vote issue label tag resume deposit
  release commit archive transfer schedule lock block copy clone charge refund capture settle grant invite mark
  flag drop build rebuild deploy install uninstall ban mute reverse
  recepcion recepcao autorizacion autorizacao inutilizacion inutilizacao anulacion cancelacion cancelamento envio emision
`);

// A name that ends in one of these names what it returns, so a noun-like head word is a noun:
// `OrderStatus`, `TransferDetails` read. Report stays a verb there (`ReportInstanceStatus`).
const REPORT_NOUNS = words('status details info information summary statistics stats availability history list');

// A name led by one of these asks about what would happen, so it reads whatever follows:
// eBay's `VerifyAddItem` and AWS IAM's `SimulatePrincipalPolicy` change nothing.
const DRY_RUN_WORDS = words('validate verify preview simulate estimate dryrun validar verificar');

// Words before the verb that do not change what it does: `BatchUpdateItems`, `BulkDelete`.
const LEADING_MODIFIERS = words('batch bulk multi mass async try transact');

const PHRASE_VERBS = words('check sign log');
const PHRASE_PARTICLES = words('in out on off up');

const JOINERS = words('and then or y e und et');

/** `FEParamGetTiposCbte` → FE Param Get Tipos Cbte; `get_user_by_id` → get user by id; digits apart. */
export function wordsOfName(name: string): string[] {
  return name
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The read or write word a name carries. A write word wins over a read word
 * (`CreateAndGetOrder` writes), except when the name is led by a dry-run word
 * (`ValidateCreateOrder` only checks).
 */
export function classifyName(name: string): NameClass {
  const tokens = wordsOfName(name);
  const lower = tokens.map(fold);
  const heads = headPositions(name);
  const lead = Math.min(...heads);
  if (DRY_RUN_WORDS.has(lower[lead])) return { kind: 'read', word: tokens[lead] };
  const last = tokens.length - 1;
  const readLeads = READ_WORDS.has(lower[lead]);
  const namesAReport = REPORT_NOUNS.has(lower[last]);
  const writes = (word: string, i: number): boolean =>
    WRITE_WORDS.has(word) ||
    (VERB_WRITE_WORDS.has(word) && heads.has(i)) ||
    (HEAD_WRITE_WORDS.has(word) && heads.has(i) && (!namesAReport || word === 'report')) ||
    (VERB_WRITE_WORDS.has(word) && i === last && !readLeads) ||
    isPhraseVerb(lower, i);
  const write = lower.findIndex(writes);
  // "Check" of "CheckIn" is part of that write, not a read beside it.
  const read = lower.findIndex((word, i) => READ_WORDS.has(word) && !isPhraseVerb(lower, i));
  if (write >= 0) {
    const word = isPhraseVerb(lower, write) ? `${tokens[write]}${tokens[write + 1]}` : tokens[write];
    return read >= 0 ? { kind: 'write', word, over: tokens[read] } : { kind: 'write', word };
  }
  if (read >= 0) return { kind: 'read', word: tokens[read] };
  return { kind: 'none' };
}

/** `Describe`, `Create over Get`, `no verb`: why a name was classified so, for the import summary. */
export function reasonOf(nameClass: NameClass): string {
  if (nameClass.kind === 'none') return 'no verb';
  if (nameClass.kind === 'write' && nameClass.over) return `${nameClass.word} over ${nameClass.over}`;
  return nameClass.word;
}

/** One operation whose root its name decided, to list in the import summary. */
export interface NameClassification {
  readonly operation: string;
  readonly root: 'Query' | 'Mutation';
  readonly reason: string;
}

/** `DescribeInstances → Query (Describe), FECompUltimoAutorizado → Query (no verb)`, reads first, at most `limit`. */
export function formatClassifications(classified: readonly NameClassification[], limit = 20): string {
  const ordered = [...classified].sort((a, b) => (a.root === b.root ? 0 : a.root === 'Query' ? -1 : 1));
  const shown = ordered.slice(0, limit).map((c) => `${c.operation} → ${c.root} (${c.reason})`);
  if (ordered.length > limit) shown.push(`… and ${ordered.length - limit} more`);
  return shown.join(', ');
}

// Where a verb stands: the first word of the name and of each part after `.`, `:`, `/` or, in
// a name written in mixed case, `_` (Amadeus' `PNR_Retrieve`, AWS' `DynamoDB_20120810.PutItem`), past leading acronyms
// (`FE`, `CAE` in `FECAESolicitar`), digits and modifiers (`BatchUpdate`), and the word after
// a joiner (`CreateAndGetOrder`). Positions count words of the whole name.
function headPositions(name: string): Set<number> {
  const heads = new Set<number>();
  let offset = 0;
  // In snake_case every word stands between underscores, so there `_` parts nothing.
  const parts = /\p{Ll}/u.test(name) && /\p{Lu}/u.test(name) ? /[_.:/\\#=]+/ : /[.:/\\#=]+/;
  for (const part of name.split(parts).filter(Boolean)) {
    const partTokens = wordsOfName(part);
    const lead = partTokens.findIndex(
      (t, i) => !/^\p{N}+$/u.test(t) && !LEADING_MODIFIERS.has(fold(t)) && !(isAcronym(t) && i < partTokens.length - 1),
    );
    if (lead >= 0) heads.add(offset + lead);
    partTokens.forEach((token, i) => {
      if (JOINERS.has(fold(token)) && i + 1 < partTokens.length) heads.add(offset + i + 1);
    });
    offset += partTokens.length;
  }
  if (heads.size === 0) heads.add(0);
  return heads;
}

// Two words that make one write: CheckIn, SignOut, LogOn.
function isPhraseVerb(lower: readonly string[], i: number): boolean {
  return PHRASE_VERBS.has(lower[i]) && PHRASE_PARTICLES.has(lower[i + 1]);
}

function isAcronym(token: string): boolean {
  return token.length > 1 && /^[\p{Lu}\p{N}]+$/u.test(token);
}

// Lower case, and German umlauts as their plain spelling, so `Löschen` and `Loeschen` are one word.
function fold(token: string): string {
  return token.toLowerCase().replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
}

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}
