import { isNhsNumber, PNC_ID, UK_POSTCODE } from '../../contracts/src/validators';
import {
  blockingKeys,
  Candidate,
  compare,
  editDistance,
  generatePopulation,
  jaroWinkler,
  MAX_REVIEWS,
  NICKNAME_GROUP_COUNT,
  nicknameGroup,
  nicknameGroups,
  NormalisedPerson,
  normalisePerson,
  PersonRecord,
  resolve,
  REVIEW_THRESHOLD,
  soundex,
} from './index';

/** John Smith as the police know him; each test changes what it is about. */
const base: PersonRecord = {
  agency: 'police',
  personRef: 'CP-P-1001',
  givenName: 'John',
  familyName: 'Smith',
  dateOfBirth: '1980-03-05',
  sex: 'M',
  postcode: 'TS24 7AA',
};

let refs = 0;
/** The same person (by default) at another agency, with overrides. */
function at(agency: string, overrides: Partial<PersonRecord> = {}): NormalisedPerson {
  return normalisePerson({ ...base, agency, personRef: `${agency.toUpperCase()}-${++refs}`, ...overrides });
}
const police = (overrides: Partial<PersonRecord> = {}) => normalisePerson({ ...base, ...overrides });

describe('normalisePerson', () => {
  it('reduces names to lower-case ascii letters and groups nicknames', () => {
    const n = normalisePerson({ ...base, givenName: ' Zoë ', familyName: "O'Brien-Smith" });
    expect(n.given).toBe('zoe');
    expect(n.givenGroup).toBe('zoe');
    expect(n.family).toBe('obriensmith');
    expect(n.familyParts).toEqual(['obrien', 'smith']);
    expect(normalisePerson({ ...base, givenName: 'Jonny' }).givenGroup).toBe('john');
    expect(normalisePerson({ ...base, givenName: 'Xanthe' }).givenGroup).toBe('xanthe');
  });

  it('keeps surname particles with their word and folds letters NFD cannot', () => {
    expect(normalisePerson({ ...base, familyName: 'Mc Donald' }).familyParts).toEqual(['mcdonald']);
    expect(normalisePerson({ ...base, familyName: 'De La Cruz' }).family).toBe('delacruz');
    expect(normalisePerson({ ...base, familyName: 'Wiśniewski' }).family).toBe(normalisePerson({ ...base, familyName: 'Wisniewski' }).family);
    expect(normalisePerson({ ...base, givenName: 'Łukasz' }).given).toBe('lukasz');
  });

  it('normalises postcode, identifiers, sex and crosswalks', () => {
    const n = normalisePerson({ ...base, postcode: ' ts24  7aa', nhsNumber: '943 476 5919', pnc: '12/0345678a', sex: 'f', crossRefs: [{ agency: 'housing', personRef: 'H-9' }] });
    expect(n.postcode).toBe('TS247AA');
    expect(n.outward).toBe('TS24');
    expect(n.nhsNumber).toBe('9434765919');
    expect(n.pnc).toBe('12/345678A');
    expect(n.sex).toBe('F');
    expect(n.crossRefs).toEqual(['housing:H-9']);
    expect(n.key).toBe('police:CP-P-1001');
    expect(n.birthYear).toBe(1980);
    expect(normalisePerson({ ...base, postcode: 'TS1 1AA' }).outward).toBe('TS1');
  });

  it('drops a malformed date of birth rather than guess', () => {
    expect(normalisePerson({ ...base, dateOfBirth: '05/03/1980' }).dob).toBeUndefined();
  });
});

describe('string similarity and phonetic code', () => {
  it('computes Soundex', () => {
    expect(['robert', 'rupert', 'ashcraft', 'tymczak', 'pfister', 'honeyman'].map(soundex)).toEqual(['R163', 'R163', 'A261', 'T522', 'P236', 'H555']);
    expect(soundex('smith')).toBe(soundex('smyth'));
  });

  it('counts a swapped pair of letters as one edit', () => {
    expect(editDistance('jonh', 'john')).toBe(1);
    expect(editDistance('thomson', 'thompson')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
  });

  it('computes Jaro-Winkler', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
});

describe('nickname table', () => {
  it('groups UK given-name variants under one key', () => {
    expect(NICKNAME_GROUP_COUNT).toBeGreaterThanOrEqual(60);
    for (const name of ['jon', 'john', 'jonathan', 'johnny']) expect(nicknameGroup(name)).toBe('john');
    for (const name of ['bill', 'will', 'william']) expect(nicknameGroup(name)).toBe('william');
    for (const name of ['kate', 'katie', 'catherine', 'cathy']) expect(nicknameGroup(name)).toBe('katherine');
    expect(nicknameGroup('liam')).toBeUndefined();
  });

  it('files an ambiguous diminutive under every group it belongs to', () => {
    expect(nicknameGroups('chris')).toEqual(expect.arrayContaining(['christopher', 'christine']));
    expect(nicknameGroups('sam')).toEqual(expect.arrayContaining(['samuel', 'samantha']));
  });
});

describe('compare: shared identifiers', () => {
  it('links on the same NHS number even when names are spelled differently', () => {
    const r = compare(police({ nhsNumber: '9434765919' }), at('treatment', { givenName: 'Johnny', postcode: 'TS25 1AB', nhsNumber: '9434765919' }));
    expect(r).toMatchObject({ decision: 'link', rule: 'nhs-number', score: 1 });
  });

  it('links on the same PNC, leading zeros aside', () => {
    expect(compare(police({ pnc: '12/345678A' }), at('youth-justice', { pnc: '12/0345678A', postcode: undefined }))).toMatchObject({ decision: 'link', rule: 'pnc' });
  });

  it('links on a crosswalk asserted by either side', () => {
    const housing = at('housing', { givenName: 'Jon', postcode: 'TS26 9ZZ' });
    const withCrosswalk = police({ crossRefs: [{ agency: housing.agency, personRef: housing.personRef }] });
    expect(compare(withCrosswalk, housing)).toMatchObject({ decision: 'link', rule: 'crosswalk' });
    expect(compare(housing, withCrosswalk)).toMatchObject({ decision: 'link', rule: 'crosswalk' });
  });

  it('keeps two people apart when their NHS numbers differ, whatever the names say', () => {
    const r = compare(police({ nhsNumber: '9434765919' }), at('housing', { nhsNumber: '4010232137' }));
    expect(r).toMatchObject({ decision: 'distinct', rule: 'nhs-conflict' });
    expect(r.reasons).toContain('nhs-number differs');
  });

  it('keeps two people apart when their PNCs differ', () => {
    expect(compare(police({ pnc: '12/345678A' }), at('youth-justice', { pnc: '13/111111B' }))).toMatchObject({ decision: 'distinct', rule: 'pnc-conflict' });
  });

  it('sends identifiers that both agree and conflict to review', () => {
    const r = compare(police({ nhsNumber: '9434765919', pnc: '12/345678A' }), at('youth-justice', { nhsNumber: '9434765919', pnc: '13/111111B' }));
    expect(r).toMatchObject({ decision: 'review', rule: 'identifier-conflict' });
  });

  it('does not link on an identifier when the DOB or given name plainly differs (a relative’s number)', () => {
    const father = police({ nhsNumber: '9434765919' });
    const son = at('treatment', { dateOfBirth: '2005-06-01', nhsNumber: '9434765919' });
    expect(compare(father, son)).toMatchObject({ decision: 'review', rule: 'identifier-contradicted' });
    const twin = at('treatment', { givenName: 'Paul', nhsNumber: '9434765919' });
    expect(compare(father, twin).decision).toBe('review');
    expect(compare(father, at('treatment', { givenName: 'Jonny', nhsNumber: '9434765919' })).decision).toBe('link');
  });
});

describe('compare: demographics', () => {
  it('links when given name, family name, DOB and postcode are all equal', () => {
    const r = compare(police(), at('housing', { givenName: 'JOHN', familyName: ' smith', postcode: 'ts247aa' }));
    expect(r).toMatchObject({ decision: 'link', rule: 'name-dob-postcode' });
  });

  it('does not link exact demographics when the sexes conflict', () => {
    expect(compare(police(), at('housing', { sex: 'F' })).decision).toBe('review');
    expect(compare(police(), at('housing', { sex: 'U' })).decision).toBe('link');
  });

  it('sends a nickname to review, never to a link', () => {
    const r = compare(police(), at('housing', { givenName: 'Jon' }));
    expect(r.decision).toBe('review');
    expect(r.score).toBeGreaterThanOrEqual(REVIEW_THRESHOLD);
    expect(r.reasons).toContain('given-name nickname');
  });

  it('sends a typo in a name to review', () => {
    expect(compare(police(), at('housing', { familyName: 'Smiht' }))).toMatchObject({ decision: 'review' });
    expect(compare(police(), at('housing', { givenName: 'Jhon' })).reasons).toContain('given-name typo');
    expect(compare(police({ givenName: 'Stu' }), at('housing', { givenName: 'Staurt' })).reasons).toContain('given-name nickname typo');
  });

  it('does not take two common names a letter apart for a typo', () => {
    expect(compare(police({ givenName: 'Tom' }), at('housing', { givenName: 'Tim' })).decision).toBe('distinct');
  });

  it('sends a day/month transposed DOB to review', () => {
    const r = compare(police(), at('housing', { dateOfBirth: '1980-05-03' }));
    expect(r.decision).toBe('review');
    expect(r.reasons).toContain('dob day/month transposed');
  });

  it('sends a moved postcode to review, scoring a move within the outward code higher', () => {
    const nearby = compare(police(), at('housing', { postcode: 'TS24 9QQ' }));
    const across = compare(police(), at('housing', { postcode: 'TS1 2AB' }));
    expect(nearby.decision).toBe('review');
    expect(across.decision).toBe('review');
    expect(nearby.reasons).toContain('postcode moved (same outward)');
    expect(across.reasons).toContain('postcode moved');
    expect(nearby.score).toBeGreaterThan(across.score);
  });

  it('sends a changed or hyphenated surname to review when given name and DOB agree and the postcode or its area does', () => {
    const woman = police({ givenName: 'Sarah', familyName: 'Jones', sex: 'F' });
    expect(compare(woman, at('housing', { givenName: 'Sarah', familyName: 'Jones-Walker', sex: 'F' })).reasons).toContain('family-name part shared');
    expect(compare(woman, at('housing', { givenName: 'Sarah', familyName: 'Walker', sex: 'F' })).decision).toBe('review');
    expect(compare(woman, at('housing', { givenName: 'Sarah', familyName: 'Walker', sex: 'F', postcode: 'TS24 9ZZ' })).decision).toBe('review');
    // another surname in another area: mostly strangers sharing a first name and a birthday
    expect(compare(woman, at('housing', { givenName: 'Sarah', familyName: 'Walker', sex: 'F', postcode: 'TS1 2AB' })).decision).toBe('distinct');
    expect(compare(woman, at('housing', { givenName: 'Sarah', familyName: 'Walker', sex: 'U', postcode: 'TS1 2AB' })).decision).toBe('distinct');
  });

  it('never links without a DOB, and reviews only with a strong name at the same postcode', () => {
    const noDob = at('housing', { dateOfBirth: undefined });
    expect(compare(police(), noDob)).toMatchObject({ decision: 'review', rule: 'missing-dob' });
    expect(compare(police(), at('housing', { dateOfBirth: undefined, postcode: 'TS24 9QQ' })).decision).toBe('distinct');
    expect(compare(police(), at('housing', { dateOfBirth: undefined, familyName: 'Walker' })).decision).toBe('distinct');
  });

  it('keeps twins apart: same surname, DOB and postcode, different given names', () => {
    expect(compare(police(), at('housing', { givenName: 'Paul' })).decision).toBe('distinct');
    expect(compare(police(), at('housing', { givenName: 'Sarah', sex: 'F' })).decision).toBe('distinct');
  });

  it('keeps a junior apart from his father: same names and address, DOB a generation apart', () => {
    expect(compare(police(), at('housing', { dateOfBirth: '2005-09-14' })).decision).toBe('distinct');
  });

  it('keeps namesakes born the same year apart', () => {
    expect(compare(police(), at('housing', { dateOfBirth: '1980-08-21', postcode: 'TS5 6PQ' })).decision).toBe('distinct');
  });

  it('is symmetric', () => {
    const others = [at('housing', { givenName: 'Jon', postcode: 'TS24 9QQ' }), at('fire', { dateOfBirth: undefined }), at('treatment', { familyName: 'Smith-Jones', dateOfBirth: '1980-05-03' })];
    for (const other of others) expect(compare(other, police())).toEqual(compare(police(), other));
  });
});

describe('blockingKeys', () => {
  it('covers identifiers, the own ref, crosswalk targets, DOB and its transposition, name + year, name + postcode', () => {
    const keys = blockingKeys(police({ nhsNumber: '9434765919', pnc: '12/345678A', crossRefs: [{ agency: 'housing', personRef: 'H-9' }] }));
    expect(keys).toEqual(
      expect.arrayContaining([
        'ref:police:CP-P-1001',
        'ref:housing:H-9',
        'nhs:9434765919',
        'pnc:12/345678A',
        'dob:1980-03-05',
        'dob:1980-05-03',
        `ny:${soundex('smith')}:1980`,
        'gp:john:TS247AA',
      ]),
    );
    expect(keys.length).toBeLessThanOrEqual(10);
    expect(blockingKeys(police({ dateOfBirth: '1980-03-25' }))).not.toContain('dob:1980-25-03');
  });

  it('gives two variants of one person a shared key', () => {
    const a = police();
    const b = at('housing', { givenName: 'Jon', dateOfBirth: '1980-05-03', postcode: 'TS26 1ZZ' });
    const c = at('fire', { familyName: 'Smiht', dateOfBirth: undefined });
    expect(blockingKeys(a).filter((k) => blockingKeys(b).includes(k)).length).toBeGreaterThan(0);
    expect(blockingKeys(a).filter((k) => blockingKeys(c).includes(k)).length).toBeGreaterThan(0);
  });

  it('lets a crosswalk find its target record', () => {
    const target = at('housing');
    const asserting = at('police', { crossRefs: [{ agency: target.agency, personRef: target.personRef }] });
    expect(blockingKeys(asserting)).toContain(`ref:${target.key}`);
    expect(blockingKeys(target)).toContain(`ref:${target.key}`);
  });
});

describe('resolve', () => {
  const candidate = (subjectId: string, person: NormalisedPerson): Candidate => ({ subjectId, person });

  it('links by identifier over demographics and lists the other subject for review', () => {
    const incoming = police({ nhsNumber: '9434765919' });
    const byDemographics = candidate('S1', at('housing'));
    const byNhs = candidate('S2', at('treatment', { givenName: 'Jon', postcode: 'TS1 2AB', nhsNumber: '9434765919' }));
    const r = resolve(incoming, [byDemographics, byNhs]);
    expect(r.link).toMatchObject({ subjectId: 'S2', rule: 'nhs-number', matchedKey: byNhs.person.key });
    expect(r.reviews).toHaveLength(1);
    expect(r.reviews[0]).toMatchObject({ subjectId: 'S1', matchedKey: byDemographics.person.key });
    expect(r.reviews[0].reasons[0]).toBe('also links by name-dob-postcode');
  });

  it('does not also list the linked subject for review', () => {
    const r = resolve(police(), [candidate('S1', at('housing')), candidate('S1', at('fire', { givenName: 'Jon' }))]);
    expect(r.link?.subjectId).toBe('S1');
    expect(r.reviews).toEqual([]);
  });

  it('offers one review per subject, its best candidate, best first, at most five', () => {
    const candidates = [
      candidate('S1', at('housing', { givenName: 'Jon', postcode: 'TS1 2AB' })),
      candidate('S1', at('fire', { givenName: 'Jon' })),
      ...['S2', 'S3', 'S4', 'S5', 'S6', 'S7'].map((s, i) => candidate(s, at('treatment', { postcode: `TS${i + 1} 1AA` }))),
    ];
    const r = resolve(police(), candidates);
    expect(r.link).toBeUndefined();
    expect(r.reviews).toHaveLength(MAX_REVIEWS);
    expect(r.reviews[0]).toMatchObject({ subjectId: 'S1', matchedKey: candidates[1].person.key });
    expect(new Set(r.reviews.map((x) => x.subjectId)).size).toBe(MAX_REVIEWS);
    const scores = r.reviews.map((x) => x.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('never compares a record with itself (same agency and ref)', () => {
    const r = resolve(police(), [candidate('S1', police())]);
    expect(r).toEqual({ reviews: [] });
    expect(compare(police(), police())).toMatchObject({ decision: 'distinct', rule: 'same-record' });
  });

  it('does compare two records of one agency under different refs (the agency’s own duplicates)', () => {
    expect(resolve(police(), [candidate('S1', police({ personRef: 'CP-P-2002' }))]).link?.subjectId).toBe('S1');
  });

  it('does not link to a subject holding a record whose identifier conflicts; it offers it for review', () => {
    const incoming = police({ nhsNumber: '9434765919' });
    const r = resolve(incoming, [candidate('S1', at('housing')), candidate('S1', at('treatment', { nhsNumber: '4010232137' }))]);
    expect(r.link).toBeUndefined();
    expect(r.reviews[0].subjectId).toBe('S1');
    expect(r.reviews[0].reasons[0]).toBe('identifier conflict within subject');
  });
});

describe('generatePopulation', () => {
  const population = generatePopulation({ people: 500, seed: 7 });

  it('is deterministic for a seed', () => {
    const again = generatePopulation({ people: 500, seed: 7 });
    expect(again.records).toEqual(population.records);
    expect(generatePopulation({ people: 500, seed: 8 }).records).not.toEqual(population.records);
  });

  it('knows the true person of every record and has the requested number of people', () => {
    const keys = population.records.map((r) => `${r.agency}:${r.personRef}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((k) => population.truth.has(k))).toBe(true);
    expect(new Set(population.truth.values()).size).toBe(500);
  });

  it('produces values the agency contracts accept', () => {
    for (const r of population.records) {
      if (r.nhsNumber) expect(isNhsNumber(r.nhsNumber)).toBe(true);
      if (r.pnc) expect(r.pnc).toMatch(PNC_ID);
      if (r.postcode) expect(r.postcode).toMatch(UK_POSTCODE);
      if (r.dateOfBirth) expect(r.dateOfBirth >= '1940-01-01' && r.dateOfBirth <= '2012-12-31').toBe(true);
    }
  });
});
