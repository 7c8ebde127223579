// Which corpora are also called, and how (corpus/lib/roundtrip/): each harness is loaded only when used,
// so the runner can ask which corpora round-trip without loading Skein.
/** The round trip of each corpus (corpus/lib/roundtrip/README.md), loaded only when asked for. */
export const ROUND_TRIPS = {
  wsdl: async (file) => (await import('./roundtrip/soap/index.js')).roundTripWsdl({ file }),
};

/** The corpora whose passing documents `npm run corpus` also calls. */
export const ROUND_TRIP_CORPORA = new Set(Object.keys(ROUND_TRIPS));
