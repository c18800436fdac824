import { AgencyTopic, involved, RecordKind } from '../records';
import { FieldFault } from '../validation';
import { DeliberateFireDto, deriveFireCategory, DERELICT_PROPERTY_TYPES, FireSetterReferralDto } from './fire.dto';

export const FireTopics = {
  DeliberateFires: 'fire.deliberate-fires.v1',
} as const;

export const FIRE_TOPICS: AgencyTopic[] = [
  {
    name: FireTopics.DeliberateFires,
    description: 'Cleveland Fire Brigade: IRS records of deliberate fires (the hub sets the primary/secondary category) and referrals to Fire Education Intervention.',
    key: "the fire's incident ref; a fire-setter referral by the person's fire brigade personRef, so one person's referrals stay in order",
  },
];

/** Facts that contradict each other, and a stated category the facts contradict: every fault at once. */
function deliberateFireFaults(fire: DeliberateFireDto): FieldFault[] {
  const faults: FieldFault[] = [];
  const derelictType = DERELICT_PROPERTY_TYPES.includes(fire.propertyType);
  if (fire.derelict !== derelictType) {
    const reason = derelictType
      ? `propertyType ${fire.propertyType} is derelict property: derelict must be true`
      : `propertyType ${fire.propertyType} is not derelict property: a derelict building or vehicle is propertyType derelict-building or derelict-vehicle`;
    faults.push({ path: 'derelict', reason });
  }
  // the category follows from propertyType, so it is judged even when the derelict flag is wrong
  const derived = deriveFireCategory(fire);
  if (fire.category !== undefined && fire.category !== derived.category) {
    faults.push({ path: 'category', reason: `stated ${fire.category}, but ${derived.reason}` });
  }
  return faults;
}

export const deliberateFireKind: RecordKind<DeliberateFireDto> = {
  agency: 'fire',
  kind: 'deliberate-fire',
  path: 'deliberate-fires',
  title: 'deliberate fires',
  dto: DeliberateFireDto,
  refField: 'incidentRef',
  eventType: 'uk.shp.fire.deliberate-fire.recorded.v1',
  topic: FireTopics.DeliberateFires,
  check: deliberateFireFaults,
  derive: (fire) => ({ ...fire, category: deriveFireCategory(fire).category }),
  partitionKey: (d) => d.incidentRef,
  occurredAt: (d) => d.occurredAt,
  // a fire is about a place; who set it is the police crime's (linked by policeCrimeRef)
  involvements: () => [],
};

export const fireSetterReferralKind: RecordKind<FireSetterReferralDto> = {
  agency: 'fire',
  kind: 'fire-setter-referral',
  path: 'fire-setter-referrals',
  title: 'fire-setter referrals',
  dto: FireSetterReferralDto,
  refField: 'referralRef',
  eventType: 'uk.shp.fire.fire-setter-referral.recorded.v1',
  topic: FireTopics.DeliberateFires,
  // whether a child was referred decides whether a YJS is told, so the age must be known
  check: (r) => {
    const dateOfBirth = r.person.dateOfBirth;
    if (dateOfBirth === undefined) return [{ path: 'person.dateOfBirth', reason: 'the Fire Education Intervention referral needs a date of birth' }];
    if (dateOfBirth > r.referredAt.slice(0, 10)) return [{ path: 'person.dateOfBirth', reason: 'must not be after the referral' }];
    return [];
  },
  partitionKey: (d) => d.person.personRef,
  occurredAt: (d) => d.referredAt,
  involvements: (d) => involved(['fire-setter', d.person]),
};

export const FIRE_KINDS: RecordKind[] = [deliberateFireKind, fireSetterReferralKind];
