import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { authorityOutsideCleveland, homeArea, YJS_TEAM_OF } from '../areas';
import { uuidV5 } from '../cloud-event';
import { ageOn } from '../dates';
import { CUSTODY_OUTCOMES } from '../police/police-records.dto';
import { YJS_TEAMS, YjsTeam } from '../rules/derived-events.dto';
import { IsPastDateTime } from '../validators';
import { ADULT_AGE, MIN_YOUTH_JUSTICE_AGE } from '../youth-justice/youth-justice.dto';

/*
 * Children in custody (domain.md §2, issue 6). Every child entering the custody suite is
 * engaged by a custody navigator, who notifies the child's home Youth Justice Service. The
 * hub raises the notification; like every derived event it carries refs and hub ids, never
 * names, dates of birth or addresses: the YJS reads the child's details from hub-api under
 * the custody purpose of the agreement, audited.
 */

/** Namespace of custody notification ids (UUID v5). */
const CUSTODY_NAMESPACE = 'a3c9e0f4-7b2d-4e61-8f5a-1d6b9c2e4a70';

/**
 * The id of the notification about one custody record: the same on every replay of the log,
 * so a rebuilt read model raises the same notification (the YJS inbox keeps its one row and
 * its acknowledgement still applies).
 */
export const custodyNotificationId = (custodyRef: string) => uuidV5(CUSTODY_NAMESPACE, `police:${custodyRef}`);
/** The id of the referral to START one positive test raises, as stable (START can dedupe a replay by it). */
export const treatmentReferralId = (testRef: string) => uuidV5(CUSTODY_NAMESPACE, `treatment:${testRef}`);

/** Where a notification goes: a Cleveland YJS, the out-of-area queue, or the navigator to place. */
export const CUSTODY_ROUTES = ['yjs', 'out-of-area', 'needs-placement'] as const;
export type CustodyRoute = (typeof CUSTODY_ROUTES)[number];

/** Why the hub treats the detainee as a child: the age on arrival, or "appears under 18" (PACE). */
export const CHILD_BASES = ['age', 'appears-under-18'] as const;
export type ChildBasis = (typeof CHILD_BASES)[number];

export type CustodyChild = { child: false; reason: string } | { child: true; basis: ChildBasis; ageAtArrival?: number };

/**
 * Is the detainee a child? The age on the day of arrival (UK date) from the date of birth;
 * only when no date of birth is known does the custody officer's "appears under 18" decide.
 * Under 10 never reaches here: the police edge refuses it as a data error.
 */
export function custodyChild(detainee: { dateOfBirth?: string }, arrivedAt: string, appearsUnder18?: boolean): CustodyChild {
  if (detainee.dateOfBirth) {
    const age = ageOn(detainee.dateOfBirth, arrivedAt);
    return age < ADULT_AGE ? { child: true, basis: 'age', ageAtArrival: age } : { child: false, reason: `${age} on arrival` };
  }
  return appearsUnder18 ? { child: true, basis: 'appears-under-18' } : { child: false, reason: 'no date of birth and not recorded as appearing under 18' };
}

export type CustodyRouting =
  | { route: 'yjs'; team: YjsTeam; district: string; how: 'home-address' | 'open-yjs-case' }
  | { route: 'out-of-area'; district: string; localAuthority?: string }
  | { route: 'needs-placement'; reason: string; district?: string };

/**
 * The home YJS from where the child lives, not where they were arrested (domain.md §2):
 * the postcode's authority in Cleveland gives the team. A district on a boundary, or no
 * postcode, falls back to the YJS the child is open to, if any; else the navigator places
 * the child. Outside Cleveland: the out-of-area queue, naming the authority where known.
 */
export function routeCustodyNotification(postcode: string | undefined, openYjsTeam?: YjsTeam): CustodyRouting {
  const area = homeArea(postcode);
  if (area.placed === 'in-area') return { route: 'yjs', team: YJS_TEAM_OF[area.authority], district: area.district, how: 'home-address' };
  if (area.placed === 'outside') return { route: 'out-of-area', district: area.district, localAuthority: authorityOutsideCleveland(area.district) };
  const district = area.placed === 'shared' ? area.district : undefined;
  if (openYjsTeam) return { route: 'yjs', team: openYjsTeam, district: district ?? 'unknown', how: 'open-yjs-case' };
  const reason = area.placed === 'shared' ? `${area.district} spans ${area.candidates.join(', ')}: the navigator places the child` : `${area.reason}: the navigator finds the child's home authority`;
  return { route: 'needs-placement', reason, ...(district ? { district } : {}) };
}

/** Which custody notification an event is about: every custody notification event names both. */
export class CustodyNotificationRef {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  notificationId: string;

  @ApiProperty({ example: 'MB-C-778', description: 'the police custody record' })
  @IsString() @IsNotEmpty()
  custodyRef: string;
}

/** Data of `uk.shp.consolidation.custody-notification.raised.v1`: a child entered custody. */
export class CustodyNotificationRaisedData extends CustodyNotificationRef {
  @ApiProperty({ format: 'uuid', description: 'the custody entry event: hub-api releases its fields under the custody purpose' })
  @IsUUID()
  custodyEventId: string;

  @ApiProperty({ format: 'uuid', description: 'hub subject id of the child' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  arrivedAt: string;

  @ApiProperty({ enum: CHILD_BASES })
  @IsIn(CHILD_BASES)
  childBasis: ChildBasis;

  @ApiPropertyOptional({ minimum: MIN_YOUTH_JUSTICE_AGE, maximum: ADULT_AGE - 1, description: 'absent when the child only appears under 18' })
  @IsOptional() @IsInt() @Min(MIN_YOUTH_JUSTICE_AGE) @Max(ADULT_AGE - 1)
  ageAtArrival?: number;

  @ApiProperty({ enum: CUSTODY_ROUTES })
  @IsIn(CUSTODY_ROUTES)
  route: CustodyRoute;

  @ApiPropertyOptional({ enum: YJS_TEAMS, description: 'the home YJS (route yjs)' })
  @IsOptional() @IsIn(YJS_TEAMS)
  team?: YjsTeam;

  @ApiPropertyOptional({ example: 'Darlington', description: 'out of area: the child’s local authority, where the hub can name it' })
  @IsOptional() @IsString()
  localAuthority?: string;

  @ApiPropertyOptional({ example: 'TS24', description: 'the outward postcode of the home address' })
  @IsOptional() @IsString()
  district?: string;

  @ApiProperty()
  @IsBoolean()
  appropriateAdultRequired: boolean;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  raisedAt: string;
}

/** Data of `uk.shp.consolidation.custody-notification.updated.v1`: the child left custody (released, charged, transferred). */
export class CustodyNotificationUpdatedData extends CustodyNotificationRef {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  subjectId: string;

  @ApiPropertyOptional({ enum: YJS_TEAMS })
  @IsOptional() @IsIn(YJS_TEAMS)
  team?: YjsTeam;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  releasedAt: string;

  @ApiProperty({ enum: CUSTODY_OUTCOMES, description: 'charge, bail, transfer to local authority accommodation, ...' })
  @IsIn(CUSTODY_OUTCOMES)
  outcome: (typeof CUSTODY_OUTCOMES)[number];

  @ApiProperty({ format: 'uuid', description: 'the custody release event' })
  @IsUUID()
  releaseEventId: string;
}

/** What a YJS inbox reports back: the notification reached the team, an officer acknowledged it, or nobody did in time. */
export const INBOX_STATUSES = ['delivered', 'acknowledged', 'escalated'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export class InboxActorDto {
  @ApiProperty({ example: 'yjs-hartlepool', description: 'the officer’s user id (sub)' })
  @IsString() @IsNotEmpty()
  sub: string;

  @ApiProperty({ example: 'Jo Bell (Hartlepool YJS)' })
  @IsString() @IsNotEmpty()
  name: string;
}

/** Data of the youth-justice inbox's status events (delivered, acknowledged, escalated). */
export class CustodyNotificationStatusData extends CustodyNotificationRef {
  @ApiProperty({ enum: YJS_TEAMS })
  @IsIn(YJS_TEAMS)
  team: YjsTeam;

  @ApiProperty({ enum: INBOX_STATUSES })
  @IsIn(INBOX_STATUSES)
  status: InboxStatus;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  at: string;

  @ApiPropertyOptional({ type: InboxActorDto, description: 'who acknowledged' })
  @IsOptional() @ValidateNested() @Type(() => InboxActorDto)
  by?: InboxActorDto;
}

/** START's teams a custody drug test refers on to: young people (under 18) or the criminal justice team (required assessment). */
export const CUSTODY_TREATMENT_SERVICES = ['young-people', 'criminal-justice'] as const;

/** Data of `uk.shp.consolidation.treatment-referral.requested.v1`: a positive substance test in custody. */
export class TreatmentReferralRequestedData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  referralId: string;

  @ApiProperty({ example: 'CP-DTOA-5521', description: 'the drug test on arrest' })
  @IsString() @IsNotEmpty()
  testRef: string;

  @ApiProperty({ format: 'uuid', description: 'the test’s event: START holds the record itself' })
  @IsUUID()
  testEventId: string;

  @ApiPropertyOptional({ example: 'MB-C-778' })
  @IsOptional() @IsString()
  custodyRef?: string;

  @ApiProperty({ format: 'uuid', description: 'hub subject id of the person tested' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ enum: CUSTODY_TREATMENT_SERVICES })
  @IsIn(CUSTODY_TREATMENT_SERVICES)
  service: (typeof CUSTODY_TREATMENT_SERVICES)[number];

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  testedAt: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  requestedAt: string;
}

/** Data of `uk.shp.consolidation.school-notification.raised.v1` (Operation Encompass). */
export class SchoolNotificationRaisedData {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  notificationId: string;

  @ApiProperty({ description: 'the police DA incident' })
  @IsString() @IsNotEmpty()
  incidentRef: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  incidentEventId: string;

  @ApiProperty({ format: 'uuid', description: 'hub subject id of the child' })
  @IsUUID()
  childSubjectId: string;

  @ApiProperty({ example: '900001', description: 'the school’s DfE unique reference number' })
  @IsString() @IsNotEmpty()
  schoolUrn: string;

  @ApiProperty({ format: 'date-time', description: 'the start of the next school day after the incident' })
  @IsDefined() @IsString()
  dueBy: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  raisedAt: string;
}
