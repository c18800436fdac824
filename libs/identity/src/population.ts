import { nameVariants } from './nicknames';
import { asciiLetters, PersonRecord, recordKey } from './normalise';

/**
 * A seeded, synthetic population of people known to Cleveland agencies, with the truth about
 * which records are the same person. Every run with the same options gives the same records.
 *
 * People live in households (single adults, couples, families with children, older parents
 * with adult children) at Teesside postcodes, so the hard negatives arise as they do in real
 * data: siblings and twins share a surname, postcode and (twins) a DOB; a "junior" shares his
 * father's names and address; common names (John Smith) recur; namesakes share a given name,
 * surname and birth year. Each person is known to 1–4 agencies; each agency's record carries
 * its own noise (nicknames, typos, married names, transposed or missing DOBs, old addresses).
 */

export interface PopulationOptions {
  /** true people to generate */
  people: number;
  seed: number;
  /**
   * Share of records with an NHS number that carry a household member's number instead of the
   * person's own (keyed against the wrong person). Default 0.003.
   */
  borrowedNhsRate?: number;
}

export interface Population {
  /** in arrival order (shuffled) */
  records: PersonRecord[];
  /** record key (`agency:personRef`) -> true person id */
  truth: Map<string, string>;
}

/** mulberry32: a small, fast, seeded PRNG returning [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** Items drawn by weight. */
class Weighted<T> {
  private readonly cumulative: number[] = [];
  constructor(private readonly items: readonly T[], weight: (item: T, index: number) => number) {
    let total = 0;
    items.forEach((item, i) => this.cumulative.push((total += weight(item, i))));
  }
  pick(random: Random): T {
    const target = random.next() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

/** Zipf-like popularity: the list is in order of frequency. */
const zipf = <T>(items: readonly T[], exponent: number, offset: number) => new Weighted(items, (_, i) => 1 / Math.pow(i + offset, exponent));

// ---------------------------------------------------------------- names

const MALE_OLDER = [
  'David', 'John', 'Michael', 'Paul', 'Peter', 'Robert', 'Stephen', 'Ian', 'Alan', 'Mark', 'Andrew', 'Anthony', 'Christopher',
  'Richard', 'Brian', 'Kevin', 'Gary', 'Keith', 'Colin', 'Kenneth', 'Thomas', 'William', 'James', 'George', 'Raymond', 'Ronald',
  'Barry', 'Terence', 'Derek', 'Dennis', 'Leslie', 'Graham', 'Neil', 'Martin', 'Philip', 'Trevor', 'Malcolm', 'Stuart',
  'Geoffrey', 'Frederick', 'Edward', 'Joseph', 'Patrick', 'Francis', 'Norman', 'Harold', 'Arthur', 'Albert', 'Roy', 'Gordon',
  'Darren', 'Steven', 'Lee', 'Wayne', 'Simon', 'Mohammed', 'Douglas', 'Lawrence', 'Gerald', 'Vincent', 'Timothy', 'Gregory',
  'Jeffrey', 'Leonard', 'Nicholas', 'Ahmed', 'Seán',
];
const MALE_YOUNGER = [
  'Daniel', 'James', 'Thomas', 'Matthew', 'Christopher', 'Ryan', 'Jack', 'Joshua', 'Luke', 'Liam', 'Michael', 'Callum', 'Connor',
  'Lewis', 'Jordan', 'Samuel', 'Benjamin', 'Adam', 'Bradley', 'Kieran', 'Nathan', 'Jake', 'Joseph', 'Alexander', 'Jamie', 'Scott',
  'Craig', 'Dean', 'Carl', 'Shaun', 'Sean', 'Reece', 'Dylan', 'Kyle', 'Tyler', 'Ethan', 'Harry', 'Oliver', 'Charlie', 'Alfie',
  'Mason', 'Logan', 'Noah', 'Leo', 'Owen', 'Aiden', 'Elliot', 'Jacob', 'Max', 'Toby', 'Dominic', 'Mohammed', 'Ali', 'Imran',
  'Yusuf', 'Łukasz', 'Piotr', 'Tomasz', 'Harrison', 'Archie', 'Lucas', 'Zachary', 'George', 'William', 'Andrew', 'David', 'John',
  'Mark', 'Paul', 'Steven', 'Stephen', 'Anthony', 'Lee', 'Darren', 'Gary', 'Jason', 'Nicholas', 'Jonathan', 'Richard', 'Harvey',
  'Jayden', 'Hayden', 'Ashley',
];
const FEMALE_OLDER = [
  'Margaret', 'Susan', 'Patricia', 'Christine', 'Elizabeth', 'Mary', 'Linda', 'Carol', 'Janet', 'Pauline', 'Barbara', 'Jean',
  'Dorothy', 'Anne', 'Joan', 'Sandra', 'Valerie', 'Gillian', 'Pamela', 'Kathleen', 'Jacqueline', 'Karen', 'Deborah', 'Julie',
  'Tracey', 'Sharon', 'Alison', 'Helen', 'Wendy', 'Denise', 'Angela', 'Beverley', 'Lesley', 'Judith', 'Teresa', 'Geraldine',
  'Frances', 'Josephine', 'Catherine', 'Jane', 'Caroline', 'Elaine', 'Lorraine', 'Maureen', 'Irene', 'Shirley', 'Sheila',
  'Brenda', 'Lynn', 'Diane', 'Fatima', 'Amanda', 'Nicola', 'Michelle', 'Joanne', 'Lisa',
];
const FEMALE_YOUNGER = [
  'Sarah', 'Emma', 'Laura', 'Rebecca', 'Gemma', 'Amy', 'Jessica', 'Hannah', 'Lauren', 'Chloe', 'Sophie', 'Megan', 'Emily',
  'Charlotte', 'Olivia', 'Ellie', 'Katie', 'Bethany', 'Paige', 'Jade', 'Shannon', 'Courtney', 'Leanne', 'Louise', 'Kirsty',
  'Natalie', 'Kimberley', 'Nicola', 'Michelle', 'Joanne', 'Amanda', 'Lisa', 'Claire', 'Samantha', 'Kelly', 'Victoria', 'Stacey',
  'Hayley', 'Danielle', 'Jennifer', 'Rachel', 'Zoë', 'Abigail', 'Isabella', 'Amelia', 'Mia', 'Lily', 'Grace', 'Ruby', 'Evie',
  'Poppy', 'Aisha', 'Jasmine', 'Caitlin', 'Georgina', 'Stephanie', 'Natasha', 'Melanie', 'Alexandra', 'Katarzyna', 'Agnieszka',
  'Siân', 'Renée', 'Chloë', 'Lucy', 'Holly', 'Jodie', 'Kayleigh', 'Leah', 'Ella', 'Freya', 'Niamh', 'Erin', 'Layla', 'Lola',
];

/** Surnames in rough order of frequency on Teesside. */
const SURNAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Robinson', 'Thompson', 'Wright', 'Walker', 'Johnson', 'White', 'Jackson',
  'Wood', 'Hall', 'Green', 'Harrison', 'Clarke', 'Atkinson', 'Lewis', 'Turner', 'Hughes', 'Martin', 'Scott', 'Hill', 'Moore',
  'Cooper', 'Ward', 'Bell', 'Watson', 'Dixon', 'Davies', 'Evans', 'Williams', 'Roberts', 'Edwards', 'Thomas', 'Young', 'Allen',
  'King', 'Baker', 'Harris', 'Clark', 'Khan', 'Patel', 'Hussain', 'Ali', 'Ahmed', 'Robson', 'Hodgson', 'Richardson', 'Anderson',
  'Armstrong', 'Graham', 'Elliott', 'Charlton', 'Carr', 'Dobson', 'Metcalfe', 'Hutchinson', 'Sanderson', 'Coulson', 'Lister',
  'Fenwick', 'Heslop', 'Ridley', 'Milburn', 'Forster', 'Bainbridge', 'Wardle', 'Kitching', 'Cummings', 'Tweddle', 'Garbutt',
  'Swales', 'Pounder', 'Readman', 'Nattrass', 'Harland', 'Teasdale', 'Craggs', 'Johnston', 'Stephenson', 'Stevenson',
  'Mitchell', 'Campbell', 'Stewart', 'Murray', 'Reid', 'Fraser', 'Cameron', 'Ross', 'Hamilton', 'Kerr', 'Paterson',
  'Ferguson', 'McKenzie', 'Murphy', 'Kelly', "O'Brien", "O'Neill", 'McDonald', 'Doyle', 'Byrne', 'Gallagher', 'Quinn', 'Lynch',
  'McCann', "O'Connor", 'Flynn', 'Reilly', 'Brennan', 'Walsh', 'Ryan', 'Kennedy', 'Morris', 'Morgan', 'Price', 'Phillips',
  'Parker', 'Cook', 'Bailey', 'Collins', 'Bennett', 'Cox', 'Howard', 'Gray', 'Marshall', 'Simpson', 'Ellis', 'Shaw', 'Lloyd',
  'Adams', 'Russell', 'Griffiths', 'Mason', 'Palmer', 'Holmes', 'Mills', 'Barnes', 'Knight', 'Rogers', 'Fisher', 'Butler',
  'Chapman', 'Lee', 'Webb', 'Rose', 'Foster', 'Gibson', 'Hunt', 'Lawrence', 'Ball', 'Dawson', 'Matthews', 'Fox', 'Pearson',
  'Saunders', 'Payne', 'Moss', 'Newton', 'Hayes', 'Stone', 'Barker', 'Jenkins', 'Marsh', 'Lambert', 'Burton', 'Todd',
  'Barrett', 'Spencer', 'Holland', 'Hart', 'Gardner', 'Riley', 'Owen', 'Wells', 'Ford', 'Webster', 'Lowe', 'Hudson', 'Bates',
  'Hawkins', 'Slater', 'Nelson', 'Brooks', 'Dunn', 'Wilkinson', 'Lawson', 'Pickering', 'Appleby', 'Hewitt', 'Bradley',
  'Peacock', 'Burns', 'Bond', 'Harper', 'Watts', 'Booth', 'Preston', 'Bowman', 'Ramsey', 'Spence', 'Collinson', 'Harding',
  'Gibbon', 'Pattison', 'Storey', 'Hogg', 'Jobson', 'Laws', 'Maddison', 'Nicholson', 'Oliver', 'Pearce', 'Ramshaw', 'Rutter',
  'Scaife', 'Snowdon', 'Tate', 'Thornton', 'Trotter', 'Wallace', 'Weatherill', 'Whitfield', 'Wilkin', 'Wray', 'Yeoman',
  'Agar', 'Bowes', 'Carling', 'Corner', 'Dodds', 'Errington', 'Foggin', 'Gowland', 'Hebden', 'Iley', 'Jameson', 'Kirtley',
  'Lumley', 'Maughan', 'Noble', 'Ord', 'Pybus', 'Raine', 'Shotton', 'Tindale', 'Usher', 'Vasey', 'Winter', 'Liddle',
  'Mahmood', 'Iqbal', 'Akhtar', 'Begum', 'Shah', 'Rashid', 'Malik', 'Aziz', 'Bibi', 'Mahmud', 'Sharif', 'Rehman', 'Butt',
  'Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kowalczyk', 'Kamiński', 'Lewandowski', 'Zieliński', 'Szymański',
  'Wong', 'Chen', 'Li', 'Singh', 'Kaur', 'Sharma', 'Gill', 'Mohamed', 'Abdi', 'Osman', 'Okafor', 'Mensah', 'Popescu',
  'Da Silva', 'Ferreira', 'Costa', 'Santos', 'MacLeod', 'McLean', 'Macintosh', 'St John', 'De Souza', 'Van Dyke',
  'Pratt', 'Hope', 'Ingram', 'Jarvis', 'Kay', 'Lord', 'Naylor', 'Oakley', 'Parkin', 'Quigley', 'Rowe', 'Sykes', 'Tyler',
  'Vaughan', 'Walton', 'Yates', 'Abbott', 'Bolton', 'Crosby', 'Dale', 'Emmerson', 'Farrow', 'Gale', 'Hirst', 'Ibbotson',
  'Jowsey', 'Kirk', 'Linsley', 'Mudd', 'Newbould', 'Ovington', 'Priestley', 'Rudd', 'Sewell', 'Towler', 'Umpleby',
  'Verrill', 'Welford', 'Wetherell', 'Bulmer', 'Cleasby', 'Dinsdale', 'Eland', 'Fawcett', 'Grainger', 'Hildreth',
];

const given = {
  M: { older: zipf(MALE_OLDER, 1, 3), younger: zipf(MALE_YOUNGER, 1, 4) },
  F: { older: zipf(FEMALE_OLDER, 1, 3), younger: zipf(FEMALE_YOUNGER, 1, 4) },
};
const surnames = zipf(SURNAMES, 0.85, 8);

// ---------------------------------------------------------------- dates

const DAY_MS = 86_400_000;
const dayOf = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / DAY_MS;
const MIN_DOB = dayOf(1940, 1, 1);
const MAX_DOB = dayOf(2012, 12, 31);
/** under 18 on this day: eligible for the youth justice service */
const YOUTH_BORN_AFTER = dayOf(2008, 1, 1);
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const yearOf = (day: number) => new Date(day * DAY_MS).getUTCFullYear();
const clampDob = (day: number) => Math.min(MAX_DOB, Math.max(MIN_DOB, day));
const YEAR = 365.25;

/** Ages of adults known to agencies: mostly 18–50. */
const adultAge = new Weighted(
  [
    [18, 30],
    [31, 45],
    [46, 60],
    [61, 86],
  ] as const,
  (_, i) => [0.3, 0.33, 0.22, 0.15][i],
);
const REFERENCE_DAY = dayOf(2026, 1, 1);
const randomAdultDob = (r: Random) => {
  const [lo, hi] = adultAge.pick(r);
  return clampDob(REFERENCE_DAY - Math.floor((lo + r.next() * (hi - lo + 1)) * YEAR));
};

// ---------------------------------------------------------------- postcodes

const DISTRICTS: readonly { district: string; weight: number }[] = [
  // Hartlepool weighs double: it is the partnership's own town
  ...['TS24', 'TS25', 'TS26', 'TS27'].map((district) => ({ district, weight: 2 })),
  ...['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8'].map((district) => ({ district, weight: 1 })),
  ...['TS17', 'TS18', 'TS19', 'TS20'].map((district) => ({ district, weight: 1 })),
  ...['TS10', 'TS11', 'TS12', 'TS13', 'TS14'].map((district) => ({ district, weight: 1 })),
];
/** Letters used in the inward unit of UK postcodes (no C I K M O V). */
const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

class Postcodes {
  readonly byDistrict = new Map<string, string[]>();
  readonly all: string[] = [];
  private readonly district: Weighted<string>;

  constructor(r: Random, total: number) {
    const weightSum = DISTRICTS.reduce((s, d) => s + d.weight, 0);
    for (const { district, weight } of DISTRICTS) {
      const codes = new Set<string>();
      const wanted = Math.max(5, Math.round((total * weight) / weightSum));
      while (codes.size < wanted) codes.add(`${district} ${r.int(1, 9)}${r.pick([...UNIT_LETTERS])}${r.pick([...UNIT_LETTERS])}`);
      this.byDistrict.set(district, [...codes]);
      this.all.push(...codes);
    }
    this.district = new Weighted(DISTRICTS.map((d) => d.district), (d) => DISTRICTS.find((x) => x.district === d)!.weight);
  }

  random(r: Random): string {
    return r.pick(this.byDistrict.get(this.district.pick(r))!);
  }

  /** An address the person moved from or to: usually nearby. */
  movedFrom(r: Random, postcode: string): string {
    for (;;) {
      const nearby = this.byDistrict.get(postcode.split(' ')[0]);
      const other = nearby && r.chance(0.6) ? r.pick(nearby) : this.random(r);
      if (other !== postcode) return other;
    }
  }
}

// ---------------------------------------------------------------- identifiers

function nhsNumber(r: Random, used: Set<string>): string {
  for (;;) {
    const body = String(r.int(400_000_000, 799_999_999));
    const sum = [...body].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check === 10) continue; // no valid check digit: never issued
    const n = body + check;
    if (used.has(n)) continue;
    used.add(n);
    return n;
  }
}

const PNC_CHECK_LETTERS = 'ZABCDEFGHJKLMNPQRTUVWXY';
function pncId(r: Random, birthYear: number, used: Set<string>): string {
  for (;;) {
    const year = Math.min(2025, birthYear + r.int(14, 30)) % 100;
    const serial = r.int(1, 999_999);
    const yy = String(year).padStart(2, '0');
    const letter = PNC_CHECK_LETTERS[Number(`${yy}${String(serial).padStart(7, '0')}`) % 23];
    const id = `${yy}/${serial}${letter}`;
    if (used.has(id)) continue;
    used.add(id);
    return id;
  }
}

// ---------------------------------------------------------------- people and households

type Sex = 'F' | 'M';

interface TruePerson {
  id: string;
  given: string;
  family: string;
  /** a maiden or previous married name some agencies still hold */
  formerFamily?: string;
  sex: Sex;
  dob: number;
  postcode: string;
  /** an address some agencies still hold (lazily chosen) */
  previousPostcode?: string;
  household: TruePerson[];
  nhs: string;
  pnc?: string;
}

type Agency = 'police' | 'housing' | 'treatment' | 'fire' | 'youth-justice';
const AGENCIES: readonly Agency[] = ['police', 'housing', 'treatment', 'fire', 'youth-justice'];
const AGENCY_WEIGHT: Record<'adult' | 'youth', Record<Agency, number>> = {
  adult: { police: 0.4, housing: 0.28, treatment: 0.2, fire: 0.12, 'youth-justice': 0 },
  youth: { police: 0.3, housing: 0.05, treatment: 0.15, fire: 0.05, 'youth-justice': 0.45 },
};
const REF_PREFIX: Record<Agency, string> = { police: 'CP-P-', housing: 'HBC-H-', treatment: 'TRT-', fire: 'CFB-', 'youth-justice': 'YJS-' };
/** Share of an agency's records that carry the person's NHS number. */
const NHS_PRESENT: Record<Agency, number> = { police: 0.15, housing: 0.15, treatment: 0.95, fire: 0.15, 'youth-justice': 0.15 };
const agencyCount = new Weighted([1, 2, 3, 4], (_, i) => [0.45, 0.3, 0.17, 0.08][i]);

/** Per-record noise rates. */
const NOISE = {
  nickname: 0.1,
  typo: 0.04,
  /** women with a maiden or earlier married name */
  formerSurname: 0.05,
  dobTransposed: 0.02,
  dobMissing: 0.04,
  moved: 0.15,
  postcodeMissing: 0.03,
  crossRef: 0.05,
  /** a second record of the person at the same agency (the agency's own duplicate) */
  agencyDuplicate: 0.02,
  /** family of a junior sharing his father's given name */
  junior: 0.12,
  twins: 0.06,
  namesake: 0.02,
};

class Generator {
  readonly r: Random;
  readonly postcodes: Postcodes;
  readonly people: TruePerson[] = [];
  private readonly nhsUsed = new Set<string>();
  private readonly pncUsed = new Set<string>();
  private readonly refCounters = new Map<Agency, number>();

  constructor(
    private readonly target: number,
    seed: number,
    private readonly borrowedNhsRate: number,
  ) {
    this.r = new Random(seed);
    // agency clients cluster: a few people per postcode, as in the deprived estates they come from
    this.postcodes = new Postcodes(this.r, Math.max(100, Math.round(target / 4)));
  }

  private full(): boolean {
    return this.people.length >= this.target;
  }

  private givenName(sex: Sex, dob: number, avoid: readonly TruePerson[] = []): string {
    const era = yearOf(dob) < 1980 ? 'older' : 'younger';
    for (let attempt = 0; ; attempt++) {
      const name = given[sex][era].pick(this.r);
      if (attempt > 20 || !avoid.some((p) => p.given === name)) return name;
    }
  }

  private surname(avoid?: string): string {
    for (;;) {
      const name = surnames.pick(this.r);
      if (name !== avoid) return name;
    }
  }

  private add(household: TruePerson[], person: Omit<TruePerson, 'id' | 'household' | 'nhs'>): TruePerson | undefined {
    if (this.full()) return undefined;
    const p: TruePerson = { ...person, id: `P${String(this.people.length + 1).padStart(6, '0')}`, household, nhs: nhsNumber(this.r, this.nhsUsed) };
    household.push(p);
    this.people.push(p);
    return p;
  }

  private adult(household: TruePerson[], sex: Sex, family: string, postcode: string, dob: number): TruePerson | undefined {
    return this.add(household, { given: this.givenName(sex, dob, household), family, sex, dob, postcode });
  }

  private sex(): Sex {
    return this.r.chance(0.5) ? 'F' : 'M';
  }

  /** A partner of about the same age, usually sharing the surname. */
  private partner(household: TruePerson[], first: TruePerson): TruePerson | undefined {
    const sex: Sex = first.sex === 'M' ? 'F' : 'M';
    const dob = clampDob(first.dob + this.r.int(-6, 6) * 365 + this.r.int(-180, 180));
    const married = this.r.chance(0.75);
    const p = this.adult(household, sex, married ? first.family : this.surname(first.family), first.postcode, dob);
    if (p && married && sex === 'F') p.formerFamily = this.surname(first.family); // her maiden name, rarely seen
    return p;
  }

  household(): void {
    const household: TruePerson[] = [];
    const postcode = this.postcodes.random(this.r);
    const kind = this.r.next();
    if (this.people.length > 0 && this.r.chance(NOISE.namesake)) {
      // someone else with the same common name, often born the same year
      const model = this.r.pick(this.people);
      const sameYear = this.r.chance(0.5);
      let dob = sameYear ? dayOf(yearOf(model.dob), 1, 1) + this.r.int(0, 364) : randomAdultDob(this.r);
      if (dob === model.dob) dob += 1;
      this.add(household, { given: model.given, family: model.family, sex: model.sex, dob: clampDob(dob), postcode: this.postcodes.movedFrom(this.r, model.postcode) });
    } else if (kind < 0.34) {
      this.adult(household, this.sex(), this.surname(), postcode, randomAdultDob(this.r));
    } else if (kind < 0.52) {
      const first = this.adult(household, this.sex(), this.surname(), postcode, randomAdultDob(this.r));
      if (first) this.partner(household, first);
    } else if (kind < 0.84) {
      this.family(household, postcode);
    } else {
      this.olderParentWithAdultChildren(household, postcode);
    }
    this.formerSurnames(household);
  }

  /** Parents (a single mother 40% of the time) and 1–4 children, twins now and then, a junior now and then. */
  private family(household: TruePerson[], postcode: string): void {
    const motherDob = clampDob(REFERENCE_DAY - Math.floor((32 + this.r.next() * 28) * YEAR));
    const singleMother = this.r.chance(0.4);
    const family = this.surname();
    const mother = this.adult(household, 'F', family, postcode, motherDob);
    if (!mother) return;
    const father = singleMother ? undefined : this.partner(household, mother);
    if (father) father.family = mother.family;
    const childFamily = father || this.r.chance(0.85) ? family : this.surname(family);
    const children = this.r.int(1, 4);
    let juniorDone = false;
    for (let i = 0; i < children; i++) {
      const previous = household[household.length - 1];
      const twin = i > 0 && previous !== mother && previous !== father && this.r.chance(NOISE.twins);
      const dob = twin ? previous.dob : motherDob + Math.floor((18 + this.r.next() * 24) * YEAR);
      if (dob > MAX_DOB) break;
      const sex = this.sex();
      const namedAfter: TruePerson | undefined = !juniorDone && sex === 'M' && this.r.chance(NOISE.junior) ? father : undefined;
      const child = namedAfter
        ? this.add(household, { given: namedAfter.given, family: childFamily, sex, dob, postcode })
        : this.adult(household, sex, childFamily, postcode, dob);
      if (!child) return;
      juniorDone ||= namedAfter !== undefined;
    }
  }

  /** An older parent living with one or two grown-up children (a son may share his father's name). */
  private olderParentWithAdultChildren(household: TruePerson[], postcode: string): void {
    const parentDob = clampDob(REFERENCE_DAY - Math.floor((55 + this.r.next() * 31) * YEAR));
    const parent = this.adult(household, this.sex(), this.surname(), postcode, parentDob);
    if (!parent) return;
    const children = this.r.int(1, 2);
    for (let i = 0; i < children; i++) {
      const dob = clampDob(parentDob + Math.floor((20 + this.r.next() * 15) * YEAR));
      const sex = this.sex();
      const junior = parent.sex === 'M' && sex === 'M' && i === 0 && this.r.chance(NOISE.junior * 1.5);
      const child = junior
        ? this.add(household, { given: parent.given, family: parent.family, sex, dob, postcode })
        : this.adult(household, sex, parent.family, postcode, dob);
      if (!child) return;
    }
  }

  /** Some adult women are also known by a maiden or earlier married name. */
  private formerSurnames(household: TruePerson[]): void {
    for (const p of household) {
      const adult = p.dob <= REFERENCE_DAY - 18 * YEAR;
      if (p.sex !== 'F' || !adult) continue;
      if (this.r.chance(NOISE.formerSurname)) p.formerFamily ??= this.surname(p.family);
      else p.formerFamily = undefined;
    }
  }

  // ------------------------------------------------------------ records

  private nextRef(agency: Agency): string {
    const n = this.refCounters.get(agency) ?? this.r.int(1000, 90000);
    this.refCounters.set(agency, n + this.r.int(1, 3));
    return `${REF_PREFIX[agency]}${n}`;
  }

  recordsOf(p: TruePerson): PersonRecord[] {
    const youth = p.dob >= YOUTH_BORN_AFTER;
    const weights = AGENCY_WEIGHT[youth ? 'youth' : 'adult'];
    const eligible = AGENCIES.filter((a) => weights[a] > 0);
    const wanted = Math.min(agencyCount.pick(this.r), eligible.length);
    const agencies: Agency[] = [];
    while (agencies.length < wanted) {
      const remaining = eligible.filter((a) => !agencies.includes(a));
      agencies.push(new Weighted(remaining, (a) => weights[a]).pick(this.r));
    }
    if ((agencies.includes('police') || agencies.includes('youth-justice')) && this.r.chance(0.6)) {
      p.pnc = pncId(this.r, yearOf(p.dob), this.pncUsed);
    }
    const records: PersonRecord[] = [];
    for (const agency of agencies) {
      records.push(this.record(p, agency));
      if (this.r.chance(NOISE.agencyDuplicate)) records.push(this.record(p, agency));
    }
    for (const record of records) {
      const others = records.filter((o) => o.agency !== record.agency);
      if (others.length > 0 && this.r.chance(NOISE.crossRef)) {
        const target = this.r.pick(others);
        record.crossRefs = [{ agency: target.agency, personRef: target.personRef }];
      }
    }
    return records;
  }

  private record(p: TruePerson, agency: Agency): PersonRecord {
    const r = this.r;
    let givenName = p.given;
    const variants = nameVariants(asciiLetters(p.given));
    if (variants.length > 0 && r.chance(NOISE.nickname)) givenName = capitalise(r.pick(variants));
    let familyName = p.family;
    if (p.formerFamily) {
      const which = r.next();
      familyName = which < 0.4 ? p.family : which < 0.75 ? p.formerFamily : `${p.formerFamily}-${p.family}`;
    }
    if (r.chance(NOISE.typo)) {
      if (r.chance(0.5)) givenName = typo(r, givenName);
      else familyName = typo(r, familyName);
    }
    givenName = systemSpelling(r, givenName);
    familyName = systemSpelling(r, familyName);

    let dateOfBirth: string | undefined = isoDay(p.dob);
    const [year, month, day] = dateOfBirth.split('-');
    if (r.chance(NOISE.dobMissing)) dateOfBirth = undefined;
    else if (Number(day) <= 12 && day !== month && r.chance(NOISE.dobTransposed)) dateOfBirth = `${year}-${day}-${month}`;

    let postcode: string | undefined = p.postcode;
    if (r.chance(NOISE.moved)) postcode = p.previousPostcode ??= this.postcodes.movedFrom(r, p.postcode);
    if (r.chance(NOISE.postcodeMissing)) postcode = undefined;
    else if (postcode && r.chance(0.2)) postcode = postcode.replace(' ', '');
    if (postcode && r.chance(0.1)) postcode = postcode.toLowerCase();

    const sexDraw = r.next();
    const sex = sexDraw < 0.9 ? p.sex : sexDraw < 0.96 ? 'U' : undefined;

    let nhsNumber: string | undefined;
    if (r.chance(NHS_PRESENT[agency])) {
      const relatives = p.household.filter((o) => o !== p);
      nhsNumber = relatives.length > 0 && r.chance(this.borrowedNhsRate) ? r.pick(relatives).nhs : p.nhs;
    }
    let pnc: string | undefined;
    if (p.pnc && (agency === 'police' || (agency === 'youth-justice' && r.chance(0.5)))) {
      // some systems pad the serial to seven digits
      pnc = r.chance(0.05) ? p.pnc.replace(/\/(\d+)/, (_, serial: string) => `/${serial.padStart(7, '0')}`) : p.pnc;
    }
    const record: PersonRecord = { agency, personRef: this.nextRef(agency), givenName, familyName };
    if (dateOfBirth) record.dateOfBirth = dateOfBirth;
    if (sex) record.sex = sex;
    if (postcode) record.postcode = postcode;
    if (nhsNumber) record.nhsNumber = nhsNumber;
    if (pnc) record.pnc = pnc;
    return record;
  }
}

const capitalise = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Neighbouring keys on a UK keyboard, for realistic substitutions. */
const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function neighbourKey(r: Random, c: string): string {
  const lower = c.toLowerCase();
  for (const row of KEYBOARD_ROWS) {
    const i = row.indexOf(lower);
    if (i < 0) continue;
    const options = [row[i - 1], row[i + 1]].filter((x): x is string => Boolean(x));
    return r.pick(options);
  }
  return r.pick([...'aeiou']);
}

/** One slip: a letter substituted, dropped, doubled or swapped with its neighbour (rarely the first). */
function typo(r: Random, name: string): string {
  const letters = [...name];
  if (letters.length < 2) return name;
  const at = r.chance(0.1) ? 0 : r.int(1, letters.length - 1);
  const kind = r.int(0, 3);
  if (kind === 0) letters[at] = at === 0 ? neighbourKey(r, letters[at]).toUpperCase() : neighbourKey(r, letters[at]);
  else if (kind === 1 && letters.length > 3) letters.splice(at, 1);
  else if (kind === 2) letters.splice(at, 0, letters[at].toLowerCase());
  else if (at < letters.length - 1) [letters[at], letters[at + 1]] = [letters[at + 1], letters[at]];
  else [letters[at - 1], letters[at]] = [letters[at], letters[at - 1]];
  return capitalise(letters.join(''));
}

/** How an agency's system stores a name: accents lost, apostrophes dropped, legacy upper case. */
function systemSpelling(r: Random, name: string): string {
  let spelled = name;
  if (/[^\x20-\x7e]/.test(spelled) && r.chance(0.5)) spelled = spelled.replace(/ł/g, 'l').replace(/Ł/g, 'L').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (spelled.includes("'") && r.chance(0.3)) spelled = spelled.replace("'", r.chance(0.5) ? '' : ' ');
  if (r.chance(0.1)) spelled = spelled.toUpperCase();
  return spelled;
}

/** Generate `people` true people, their agency records in a shuffled arrival order, and the truth. */
export function generatePopulation(options: PopulationOptions): Population {
  const generator = new Generator(options.people, options.seed, options.borrowedNhsRate ?? 0.003);
  while (generator.people.length < options.people) generator.household();
  const records: PersonRecord[] = [];
  const truth = new Map<string, string>();
  for (const person of generator.people) {
    for (const record of generator.recordsOf(person)) {
      records.push(record);
      truth.set(recordKey(record.agency, record.personRef), person.id);
    }
  }
  return { records: generator.r.shuffle(records), truth };
}
