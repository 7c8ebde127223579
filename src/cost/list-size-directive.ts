export const listSizeDirectiveSDL = /* GraphQL */ `
"""
How many items a list field returns, for the cost of a query: the value of one of
slicingArguments when the query gives one (the largest, if several), else assumedSize.
Without it, Skein reads the arguments first, last, limit, pageSize, perPage, per_page,
size, count, top, take and maxResults, else the length of a list argument (ids), else
the gateway's default list size.
"""
directive @listSize(
  """Items the list holds when the query gives none of its slicing arguments."""
  assumedSize: Int
  """Arguments whose value is the number of items returned."""
  slicingArguments: [String!]
) on FIELD_DEFINITION
`;

/** The arguments that, by convention, say how many items a list field returns. */
export const CONVENTIONAL_SLICING_ARGUMENTS: readonly string[] = [
  'first',
  'last',
  'limit',
  'pageSize',
  'perPage',
  'per_page',
  'size',
  'count',
  'top',
  'take',
  'maxResults',
];
