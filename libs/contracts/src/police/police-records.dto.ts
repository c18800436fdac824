import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PersonDto } from '../person.dto';
import { IsPastDateTime, IsRef, UK_OUTWARD_POSTCODE } from '../validators';
import { IncidentLocationDto } from './domestic-incident.dto';

/** Personal, nuisance, environmental: the national ASB categories (domain.md §2). */
export const ASB_CATEGORIES = ['personal', 'nuisance', 'environmental'] as const;
export type AsbCategory = (typeof ASB_CATEGORIES)[number];

/** `POST /custody-entries` (api.md): a person booked into custody. */
export class CustodyEntryDto {
  @ApiProperty({ example: 'MB-C-778' })
  @IsRef()
  custodyRef: string;

  @ApiProperty({ example: 'Middlesbrough', description: 'the custody suite (Cleveland has one central suite)' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  suite: string;

  @ApiProperty({ example: '2026-03-02T01:10:00Z', format: 'date-time' })
  @IsPastDateTime()
  arrivedAt: string;

  @ApiProperty({ type: PersonDto })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  detainee: PersonDto;

  @ApiProperty({ example: 'Criminal damage' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  offence: string;

  @ApiProperty({ description: 'PACE: anyone who appears under 18, or vulnerable, needs an appropriate adult' })
  @IsBoolean()
  appropriateAdultRequired: boolean;

  @ApiPropertyOptional({ description: 'the detainee appears to be under 18 although no date of birth is known' })
  @IsOptional() @IsBoolean()
  appearsUnder18?: boolean;
}

export const CUSTODY_OUTCOMES = [
  'charged', 'bailed', 'released-under-investigation', 'no-further-action', 'cautioned', 'out-of-court-disposal',
  'transferred-to-la-accommodation', 'remanded', 'released-other',
] as const;

/** `POST /custody-entries/{custodyRef}/release`: the custody episode ends. */
export class CustodyReleaseDto {
  @ApiProperty({ example: 'MB-C-778', description: 'from the path' })
  @IsRef()
  custodyRef: string;

  @ApiProperty({ example: '2026-03-02T14:40:00Z', format: 'date-time' })
  @IsPastDateTime()
  releasedAt: string;

  @ApiProperty({ enum: CUSTODY_OUTCOMES })
  @IsIn(CUSTODY_OUTCOMES)
  outcome: (typeof CUSTODY_OUTCOMES)[number];
}

/** `POST /asb-incidents`: an ASB incident reported to police. */
export class PoliceAsbIncidentDto {
  @ApiProperty({ example: 'CP-ASB-2041' })
  @IsRef()
  incidentRef: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  occurredAt: string;

  @ApiProperty({ enum: ASB_CATEGORIES })
  @IsIn(ASB_CATEGORIES)
  category: AsbCategory;

  @ApiProperty({ type: IncidentLocationDto })
  @IsDefined() @ValidateNested() @Type(() => IncidentLocationDto)
  location: IncidentLocationDto;

  @ApiPropertyOptional({ description: 'motivated by hate (Community Trigger: one hate incident in three months)' })
  @IsOptional() @IsBoolean()
  hate?: boolean;

  @ApiPropertyOptional({ example: 'HBC-ASB-PROB-17', description: 'the same-problem reference shared with the council or landlord, if known' })
  @IsOptional() @IsRef()
  problemRef?: string;

  @ApiPropertyOptional({ type: PersonDto, description: 'who reported it (the person suffering it)' })
  @IsOptional() @ValidateNested() @Type(() => PersonDto)
  reporter?: PersonDto;

  @ApiPropertyOptional({ type: [PersonDto], description: 'people the behaviour is attributed to' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => PersonDto)
  suspects?: PersonDto[];
}

/**
 * Home Office recorded-crime categories at the level the partnership reports them
 * (pack-2018 L1036–1076). Subtotals are computed from these leaves, never stored.
 */
export const HOME_OFFICE_CATEGORIES = [
  'homicide', 'violence-with-injury', 'violence-without-injury', 'rape', 'other-sexual-offences',
  'burglary-residential', 'burglary-business-community', 'bicycle-theft', 'theft-from-person', 'robbery-personal',
  'robbery-business', 'vehicle-crime', 'shoplifting', 'other-acquisitive', 'criminal-damage-arson',
  'public-disorder', 'trafficking-of-drugs', 'possession-of-drugs', 'possession-of-weapons', 'misc-crimes-against-society',
] as const;
export type HomeOfficeCategory = (typeof HOME_OFFICE_CATEGORIES)[number];

/** `POST /crimes`: a recorded crime. Where it happened is kept at ward and outward postcode. */
export class RecordedCrimeDto {
  @ApiProperty({ example: 'CP-CR-88123' })
  @IsRef()
  crimeRef: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  recordedAt: string;

  @ApiProperty({ enum: HOME_OFFICE_CATEGORIES })
  @IsIn(HOME_OFFICE_CATEGORIES)
  homeOfficeCategory: HomeOfficeCategory;

  @ApiProperty({ description: 'flagged as domestic abuse' })
  @IsBoolean()
  domesticAbuse: boolean;

  @ApiPropertyOptional({ description: 'flagged as a hate crime' })
  @IsOptional() @IsBoolean()
  hate?: boolean;

  @ApiProperty({ example: 'Victoria' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  ward: string;

  @ApiProperty({ example: 'TS24' })
  @Matches(UK_OUTWARD_POSTCODE, { message: 'must be the outward part of a UK postcode, e.g. TS24' })
  outwardPostcode: string;

  @ApiPropertyOptional({ type: PersonDto })
  @IsOptional() @ValidateNested() @Type(() => PersonDto)
  victim?: PersonDto;

  @ApiPropertyOptional({ type: [PersonDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => PersonDto)
  suspects?: PersonDto[];
}

/** Outcomes of a crime for a suspect (issue: charge, caution, RUI, bail, OOCD). */
export const CRIME_OUTCOMES = ['charge', 'caution', 'released-under-investigation', 'bail', 'out-of-court-disposal'] as const;

/** `POST /crime-outcomes`. */
export class CrimeOutcomeDto {
  @ApiProperty({ example: 'CP-OUT-5531' })
  @IsRef()
  outcomeRef: string;

  @ApiProperty({ example: 'CP-CR-88123' })
  @IsRef()
  crimeRef: string;

  @ApiProperty({ format: 'date-time' })
  @IsPastDateTime()
  decidedAt: string;

  @ApiProperty({ enum: CRIME_OUTCOMES })
  @IsIn(CRIME_OUTCOMES)
  outcome: (typeof CRIME_OUTCOMES)[number];

  @ApiProperty({ type: PersonDto, description: 'the suspect the outcome is for' })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  person: PersonDto;
}

/** Data of the custody-release event: the release with the detainee of its custody entry. */
export class CustodyReleasedData extends CustodyReleaseDto {
  @ApiProperty({ type: PersonDto, description: 'the detainee of the custody entry, filled in by the hub' })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  detainee: PersonDto;
}
