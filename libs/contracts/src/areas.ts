/**
 * Where a person lives, as the partnership's services divide Cleveland: the local authority
 * from the postcode district, then the MARAC group (domain.md: north = Hartlepool +
 * Stockton, south = Middlesbrough + Redcar & Cleveland). District-level defaults for the
 * partnership to correct: some districts straddle a boundary, and a person there is not
 * placed by guess (`shared`): the coordinator chooses.
 */
export const LOCAL_AUTHORITIES = ['hartlepool', 'stockton-on-tees', 'middlesbrough', 'redcar-and-cleveland'] as const;
export type LocalAuthority = (typeof LOCAL_AUTHORITIES)[number];
export type MaracGroup = 'north' | 'south';

export const MARAC_GROUP_OF: Record<LocalAuthority, MaracGroup> = {
  hartlepool: 'north',
  'stockton-on-tees': 'north',
  middlesbrough: 'south',
  'redcar-and-cleveland': 'south',
};

/** Postcode districts wholly (as far as the partnership's services go) in one authority. */
const DISTRICTS: Record<string, LocalAuthority> = {
  TS24: 'hartlepool', TS25: 'hartlepool', TS26: 'hartlepool',
  TS15: 'stockton-on-tees', TS16: 'stockton-on-tees', TS17: 'stockton-on-tees', TS18: 'stockton-on-tees', TS19: 'stockton-on-tees',
  TS20: 'stockton-on-tees', TS22: 'stockton-on-tees', TS23: 'stockton-on-tees',
  TS1: 'middlesbrough', TS2: 'middlesbrough', TS3: 'middlesbrough', TS4: 'middlesbrough', TS5: 'middlesbrough',
  TS6: 'redcar-and-cleveland', TS10: 'redcar-and-cleveland', TS11: 'redcar-and-cleveland', TS12: 'redcar-and-cleveland', TS14: 'redcar-and-cleveland',
};

/** Districts that cross a boundary: the authorities (or `outside`) they may be in. */
const SHARED: Record<string, (LocalAuthority | 'outside')[]> = {
  TS27: ['hartlepool', 'outside'], // Hart and Elwick; Blackhall and Castle Eden are County Durham
  TS21: ['stockton-on-tees', 'outside'], // Stockton's western villages; Sedgefield is County Durham
  TS7: ['middlesbrough', 'redcar-and-cleveland'],
  TS8: ['middlesbrough', 'redcar-and-cleveland', 'outside'],
  TS13: ['redcar-and-cleveland', 'outside'], // Loftus; Staithes and Hinderwell are North Yorkshire
};

export type HomeArea =
  | { placed: 'in-area'; authority: LocalAuthority; group: MaracGroup; district: string }
  | { placed: 'shared'; district: string; candidates: (LocalAuthority | 'outside')[] }
  | { placed: 'outside'; district: string }
  | { placed: 'unknown'; reason: string };

/** The outward code of a full UK postcode (`TS24 7AA` → `TS24`), or undefined. */
export function postcodeDistrict(postcode: string | undefined): string | undefined {
  const m = /^\s*([A-Z]{1,2}[0-9][0-9A-Z]?)\s*[0-9][A-Z]{2}\s*$/i.exec(postcode ?? '');
  return m ? m[1].toUpperCase() : undefined;
}

/** The postcode districts wholly in an authority. */
export const districtsIn = (authority: LocalAuthority): string[] => Object.keys(DISTRICTS).filter((d) => DISTRICTS[d] === authority);

/** The authority a postcode district lies wholly in, or undefined (shared, outside Cleveland, unknown). */
export const authorityOfDistrict = (district: string | undefined | null): LocalAuthority | undefined => (district ? DISTRICTS[district.toUpperCase()] : undefined);

export function homeArea(postcode: string | undefined): HomeArea {
  const district = postcodeDistrict(postcode);
  if (!district) return { placed: 'unknown', reason: postcode ? `not a full UK postcode: ${postcode}` : 'no postcode held' };
  const authority = DISTRICTS[district];
  if (authority) return { placed: 'in-area', authority, group: MARAC_GROUP_OF[authority], district };
  if (SHARED[district]) return { placed: 'shared', district, candidates: SHARED[district] };
  return { placed: 'outside', district };
}

/** The Youth Justice Service of each authority (domain.md §1: South Tees serves Middlesbrough and Redcar & Cleveland). */
export const YJS_TEAM_OF: Record<LocalAuthority, 'hartlepool' | 'stockton' | 'south-tees'> = {
  hartlepool: 'hartlepool',
  'stockton-on-tees': 'stockton',
  middlesbrough: 'south-tees',
  'redcar-and-cleveland': 'south-tees',
};

/**
 * The authority of a postcode district outside Cleveland, where the hub can name it: the
 * neighbouring authorities a Cleveland custody suite sees most, by district or postcode
 * area. Elsewhere the navigator finds the child's authority; the hub does not guess.
 */
const NEIGHBOURS_BY_DISTRICT: Record<string, string> = {
  DL1: 'Darlington', DL2: 'Darlington', DL3: 'Darlington',
  DL4: 'County Durham', DL5: 'County Durham', DL12: 'County Durham', DL13: 'County Durham', DL14: 'County Durham', DL15: 'County Durham', DL16: 'County Durham', DL17: 'County Durham',
  DL6: 'North Yorkshire', DL7: 'North Yorkshire', DL8: 'North Yorkshire', DL9: 'North Yorkshire', DL10: 'North Yorkshire', DL11: 'North Yorkshire',
  SR8: 'County Durham', SR7: 'County Durham',
  TS9: 'North Yorkshire',
};
const NEIGHBOURS_BY_AREA: Record<string, string> = { DH: 'County Durham', YO: 'North Yorkshire or York', NE: 'Tyneside or Northumberland', SR: 'Sunderland' };

export function authorityOutsideCleveland(district: string): string | undefined {
  return NEIGHBOURS_BY_DISTRICT[district] ?? NEIGHBOURS_BY_AREA[district.replace(/\d.*$/, '')];
}
