import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsOptional, ValidateNested } from 'class-validator';
import { PersonDto } from '../person.dto';
import { YJS_TEAMS, YjsTeam } from '../rules/derived-events.dto';
import { IsPastDateTime, IsRef } from '../validators';

/** Age of criminal responsibility in England and Wales. */
export const MIN_YOUTH_JUSTICE_AGE = 10;
/** 18 and over is the adult system (probation), not youth justice. */
export const ADULT_AGE = 18;

export const YJS_REFERRAL_SOURCES = ['court', 'police', 'out-of-court-panel', 'custody', 'children-social-care', 'school', 'other'] as const;
/** Out-of-court panel outcomes, Outcome 22 (deferred prosecution) among them, or back to police. */
export const OOCD_OUTCOMES = [
  'no-further-action', 'community-resolution', 'outcome-22', 'youth-caution', 'youth-conditional-caution', 'refer-back-to-police', 'charge',
] as const;
/** A first statutory criminal justice outcome (domain.md §2): what makes a first-time entrant. */
export const FIRST_TIME_ENTRANT_OUTCOMES = ['youth-caution', 'youth-conditional-caution', 'court-disposal'] as const;

const CHILD_DESCRIPTION = 'the child; dateOfBirth is required and the child must be 10 to 17 on the record’s date';
const TEAM_DESCRIPTION = 'the Youth Justice Service of the child’s home area';

/** `POST /yjs-referrals`: a child referred to a Youth Justice Service. */
export class YjsReferralDto {
  @ApiProperty({ example: 'HYJS-REF-2026-031' })
  @IsRef()
  referralRef: string;

  @ApiProperty({ example: '2026-03-04T13:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  referredAt: string;

  @ApiProperty({ type: PersonDto, description: CHILD_DESCRIPTION })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  child: PersonDto;

  @ApiProperty({ enum: YJS_TEAMS, description: TEAM_DESCRIPTION })
  @IsIn(YJS_TEAMS)
  team: YjsTeam;

  @ApiProperty({ enum: YJS_REFERRAL_SOURCES })
  @IsIn(YJS_REFERRAL_SOURCES)
  source: (typeof YJS_REFERRAL_SOURCES)[number];

  @ApiPropertyOptional({ format: 'date-time', description: 'when the YJS opened a case: the child is open to it from then' })
  @IsOptional() @IsPastDateTime()
  caseOpenedAt?: string;
}

/** `POST /yjs-case-closures`: the YJS closes the case a referral opened. */
export class YjsCaseClosureDto {
  @ApiProperty({ example: 'HYJS-CL-2026-012' })
  @IsRef()
  closureRef: string;

  @ApiProperty({ example: '2026-09-30T16:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  closedAt: string;

  @ApiProperty({ type: PersonDto, description: 'the child; dateOfBirth is required (a case may close after the 18th birthday, never before the 10th)' })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  child: PersonDto;

  @ApiProperty({ enum: YJS_TEAMS, description: TEAM_DESCRIPTION })
  @IsIn(YJS_TEAMS)
  team: YjsTeam;

  @ApiProperty({ example: 'HYJS-REF-2026-031', description: 'the referral whose case closes' })
  @IsRef()
  referralRef: string;
}

/** `POST /oocd-decisions`: the out-of-court disposal panel's decision for a child. */
export class OocdDecisionDto {
  @ApiProperty({ example: 'HYJS-OOCD-2026-077' })
  @IsRef()
  decisionRef: string;

  @ApiProperty({ example: '2026-03-11T11:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  decidedAt: string;

  @ApiProperty({ type: PersonDto, description: CHILD_DESCRIPTION })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  child: PersonDto;

  @ApiProperty({ enum: YJS_TEAMS, description: TEAM_DESCRIPTION })
  @IsIn(YJS_TEAMS)
  team: YjsTeam;

  @ApiProperty({ enum: OOCD_OUTCOMES })
  @IsIn(OOCD_OUTCOMES)
  outcome: (typeof OOCD_OUTCOMES)[number];
}

/** `POST /first-time-entrants`: a child's first statutory criminal justice outcome. */
export class FirstTimeEntrantDto {
  @ApiProperty({ example: 'HYJS-FTE-2026-005' })
  @IsRef()
  outcomeRef: string;

  @ApiProperty({ example: '2026-03-18T10:30:00Z', format: 'date-time' })
  @IsPastDateTime()
  outcomeAt: string;

  @ApiProperty({ type: PersonDto, description: CHILD_DESCRIPTION })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  child: PersonDto;

  @ApiProperty({ enum: YJS_TEAMS, description: TEAM_DESCRIPTION })
  @IsIn(YJS_TEAMS)
  team: YjsTeam;

  @ApiProperty({ enum: FIRST_TIME_ENTRANT_OUTCOMES })
  @IsIn(FIRST_TIME_ENTRANT_OUTCOMES)
  outcome: (typeof FIRST_TIME_ENTRANT_OUTCOMES)[number];
}
