import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDefined, IsIn, IsOptional, ValidateNested } from 'class-validator';
import { PersonDto } from '../person.dto';
import { DashDto, IncidentLocationDto } from '../police/domestic-incident.dto';
import { ASB_CATEGORIES, AsbCategory } from '../police/police-records.dto';
import { IsPastDateTime, IsRef } from '../validators';

/** The behaviour a landlord records, finer than the national category. */
export const HOUSING_ASB_TYPES = [
  'noise', 'verbal-abuse', 'harassment-intimidation', 'vandalism-damage', 'drugs', 'alcohol-related', 'pets-animals',
  'litter-rubbish', 'violence-threats', 'vehicle-related', 'other',
] as const;

/** From a letter to possession and closure: the escalating tools of the ASB, Crime and Policing Act 2014 and Housing Act 1985/88. */
export const ENFORCEMENT_ACTIONS = [
  'warning-letter', 'acceptable-behaviour-contract', 'community-protection-warning', 'community-protection-notice', 'civil-injunction',
  'notice-seeking-possession', 'possession-order', 'closure-order',
] as const;

export const TARGET_HARDENING_MEASURES = ['door-locks', 'window-locks', 'sanctuary-room', 'fireproof-letterbox', 'cctv', 'alarm', 'lighting', 'other'] as const;
export const TARGET_HARDENING_REASONS = ['domestic-abuse', 'asb', 'hate', 'burglary', 'other'] as const;

/** `POST /asb-reports` (api.md): a tenant reports ASB to their landlord. */
export class AsbReportDto {
  @ApiProperty({ example: 'TG-ASB-2026-0311' })
  @IsRef()
  reportRef: string;

  @ApiProperty({ example: '2026-03-04T09:30:00Z', format: 'date-time', description: 'when the tenant reported it (the Community Trigger counts reports from here)' })
  @IsPastDateTime()
  reportedAt: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'when the behaviour happened, if known; not after reportedAt' })
  @IsOptional() @IsPastDateTime()
  occurredAt?: string;

  @ApiProperty({ enum: ASB_CATEGORIES })
  @IsIn(ASB_CATEGORIES)
  category: AsbCategory;

  @ApiProperty({ enum: HOUSING_ASB_TYPES })
  @IsIn(HOUSING_ASB_TYPES)
  asbType: (typeof HOUSING_ASB_TYPES)[number];

  @ApiProperty({ type: PersonDto, description: 'the tenant reporting it' })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  reporter: PersonDto;

  @ApiPropertyOptional({ type: [PersonDto], description: 'people the behaviour is attributed to' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => PersonDto)
  alleged?: PersonDto[];

  @ApiProperty({ description: 'motivated by hate (Community Trigger: one hate incident in three months)' })
  @IsBoolean()
  hate: boolean;

  @ApiPropertyOptional({ example: 'HBC-ASB-PROB-17', description: 'the same-problem reference shared with the council and police, if known' })
  @IsOptional() @IsRef()
  problemRef?: string;

  @ApiPropertyOptional({ example: 'TG-T-44120' })
  @IsOptional() @IsRef()
  tenancyRef?: string;

  @ApiProperty({ type: IncidentLocationDto })
  @IsDefined() @ValidateNested() @Type(() => IncidentLocationDto)
  location: IncidentLocationDto;
}

/** `POST /enforcement-actions`: action a landlord took on ASB (it answers the problem's earlier reports). */
export class EnforcementActionDto {
  @ApiProperty({ example: 'TG-ENF-2026-052' })
  @IsRef()
  actionRef: string;

  @ApiProperty({ example: '2026-03-10T14:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  takenAt: string;

  @ApiProperty({ enum: ENFORCEMENT_ACTIONS })
  @IsIn(ENFORCEMENT_ACTIONS)
  action: (typeof ENFORCEMENT_ACTIONS)[number];

  @ApiProperty({ type: PersonDto, description: 'the person the action is against' })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  person: PersonDto;

  @ApiPropertyOptional({ example: 'HBC-ASB-PROB-17', description: 'the same-problem reference the action answers' })
  @IsOptional() @IsRef()
  problemRef?: string;
}

/** `POST /da-disclosures`: domestic abuse disclosed to a housing officer. */
export class DaDisclosureDto {
  @ApiProperty({ example: 'TG-DA-2026-009' })
  @IsRef()
  disclosureRef: string;

  @ApiProperty({ example: '2026-03-05T11:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  disclosedAt: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'when the abuse happened, if known; not after disclosedAt' })
  @IsOptional() @IsPastDateTime()
  occurredAt?: string;

  @ApiProperty({ type: PersonDto })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  victim: PersonDto;

  @ApiPropertyOptional({ type: PersonDto, description: 'absent when not known' })
  @IsOptional() @ValidateNested() @Type(() => PersonDto)
  perpetrator?: PersonDto;

  @ApiPropertyOptional({ type: [PersonDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => PersonDto)
  childrenInHousehold?: PersonDto[];

  @ApiPropertyOptional({ type: DashDto, description: 'the SafeLives form (safelives-24) if the housing officer completed one' })
  @IsOptional() @ValidateNested() @Type(() => DashDto)
  dash?: DashDto;
}

/** `POST /target-hardening`: security work done at a resident's home. */
export class TargetHardeningDto {
  @ApiProperty({ example: 'TG-TH-2026-018' })
  @IsRef()
  workRef: string;

  @ApiProperty({ example: '2026-03-12T16:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  completedAt: string;

  @ApiProperty({ type: PersonDto })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  resident: PersonDto;

  @ApiProperty({ enum: TARGET_HARDENING_MEASURES, isArray: true })
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(TARGET_HARDENING_MEASURES, { each: true })
  measures: (typeof TARGET_HARDENING_MEASURES)[number][];

  @ApiProperty({ enum: TARGET_HARDENING_REASONS })
  @IsIn(TARGET_HARDENING_REASONS)
  reason: (typeof TARGET_HARDENING_REASONS)[number];
}
