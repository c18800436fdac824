import { PersonDto } from '../../../../libs/contracts/src';
import { PersonRecord } from '../../../../libs/identity/src';

/** What identity resolution reads of a person as an agency sent them. */
export function personRecord(agency: string, p: PersonDto): PersonRecord {
  return {
    agency,
    personRef: p.personRef,
    givenName: p.givenName,
    familyName: p.familyName,
    dateOfBirth: p.dateOfBirth,
    sex: p.sex,
    postcode: p.address?.postcode,
    nhsNumber: p.identifiers?.nhsNumber,
    pnc: p.identifiers?.pnc,
    crossRefs: p.identifiers?.crossRefs?.map((r) => ({ agency: r.agency, personRef: r.personRef })),
  };
}

export const personKey = (agency: string, personRef: string) => `${agency}:${personRef}`;

export function splitKey(key: string): { agency: string; personRef: string } {
  const i = key.indexOf(':');
  return { agency: key.slice(0, i), personRef: key.slice(i + 1) };
}
