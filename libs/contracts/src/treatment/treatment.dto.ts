import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { PersonDto } from '../person.dto';
import { IsPastDateTime, IsRef } from '../validators';

/*
 * Treatment records are health-originated (Caldicott: minimum necessary). They say that a
 * person is engaged with START and how the engagement went, never which substance, what
 * diagnosis or any clinical note. The one exception is the drug test on arrest: a police
 * test (PACE s63B) whose only results are opiates and cocaine.
 */

export const REFERRAL_SOURCES = ['custody', 'prison', 'probation', 'court', 'school', 'self', 'gp', 'other'] as const;
/** START's three teams: adults, young people, criminal justice. */
export const TREATMENT_SERVICES = ['adult', 'young-people', 'criminal-justice'] as const;
/** Community order requirements a court makes: DRR and ATR. */
export const TREATMENT_ORDER_TYPES = ['drug-rehabilitation-requirement', 'alcohol-treatment-requirement'] as const;
export const EPISODE_EXITS = ['planned', 'unplanned'] as const;
export const EPISODE_EXIT_REASONS = [
  'completed-drug-free', 'completed-occasional-user', 'transferred-in-custody', 'transferred-community', 'dropped-out', 'declined', 'died', 'other',
] as const;
export type EpisodeExitReason = (typeof EPISODE_EXIT_REASONS)[number];
/** NDTMS: a completion is a planned exit; dropping out, declining and death are not. */
export const PLANNED_EXIT_REASONS: readonly EpisodeExitReason[] = ['completed-drug-free', 'completed-occasional-user'];
export const UNPLANNED_EXIT_REASONS: readonly EpisodeExitReason[] = ['dropped-out', 'declined', 'died'];
export const DRUG_TEST_RESULTS = ['positive', 'negative'] as const;
/** What a PACE s63B test on arrest can find. */
export const DRUG_TEST_SUBSTANCES = ['opiates', 'cocaine'] as const;

/** `POST /referrals` (api.md): someone referred into START. */
export class TreatmentReferralDto {
  @ApiProperty({ example: 'ST-REF-2026-0142' })
  @IsRef()
  referralRef: string;

  @ApiProperty({ example: '2026-03-02T15:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  referredAt: string;

  @ApiProperty({ type: PersonDto })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  client: PersonDto;

  @ApiProperty({ enum: REFERRAL_SOURCES })
  @IsIn(REFERRAL_SOURCES)
  source: (typeof REFERRAL_SOURCES)[number];

  @ApiProperty({ enum: TREATMENT_SERVICES })
  @IsIn(TREATMENT_SERVICES)
  service: (typeof TREATMENT_SERVICES)[number];

  @ApiPropertyOptional({ enum: TREATMENT_ORDER_TYPES, description: 'the court order the referral carries out (DRR or ATR), if any' })
  @IsOptional() @IsIn(TREATMENT_ORDER_TYPES)
  orderType?: (typeof TREATMENT_ORDER_TYPES)[number];
}

/** `POST /episodes`: a treatment episode starts. */
export class EpisodeStartDto {
  @ApiProperty({ example: 'ST-EP-2026-0088' })
  @IsRef()
  episodeRef: string;

  @ApiProperty({ example: '2026-03-09T10:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  startedAt: string;

  @ApiProperty({ type: PersonDto })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  client: PersonDto;

  @ApiProperty({ enum: TREATMENT_SERVICES })
  @IsIn(TREATMENT_SERVICES)
  service: (typeof TREATMENT_SERVICES)[number];

  @ApiPropertyOptional({ example: 'ST-REF-2026-0142', description: 'the referral the episode answers, if any' })
  @IsOptional() @IsRef()
  referralRef?: string;
}

/** `POST /episodes/{episodeRef}/exit`: the episode ends. */
export class EpisodeExitDto {
  @ApiProperty({ example: 'ST-EP-2026-0088', description: 'from the path' })
  @IsRef()
  episodeRef: string;

  @ApiProperty({ example: '2026-06-30T12:00:00Z', format: 'date-time' })
  @IsPastDateTime()
  endedAt: string;

  @ApiProperty({ enum: EPISODE_EXITS })
  @IsIn(EPISODE_EXITS)
  exit: (typeof EPISODE_EXITS)[number];

  @ApiPropertyOptional({ enum: EPISODE_EXIT_REASONS, description: 'completions are planned exits; dropped-out, declined and died are unplanned' })
  @IsOptional() @IsIn(EPISODE_EXIT_REASONS)
  exitReason?: EpisodeExitReason;
}

/** `POST /drug-tests-on-arrest`: the result of a police drug test on arrest (PACE s63B). */
export class DrugTestOnArrestDto {
  @ApiProperty({ example: 'CP-DTOA-5521' })
  @IsRef()
  testRef: string;

  @ApiProperty({ example: '2026-03-02T03:20:00Z', format: 'date-time' })
  @IsPastDateTime()
  testedAt: string;

  @ApiProperty({ type: PersonDto })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  person: PersonDto;

  @ApiPropertyOptional({ example: 'MB-C-778', description: 'the custody entry the test was taken in' })
  @IsOptional() @IsRef()
  custodyRef?: string;

  @ApiProperty({ enum: DRUG_TEST_RESULTS })
  @IsIn(DRUG_TEST_RESULTS)
  result: (typeof DRUG_TEST_RESULTS)[number];

  @ApiPropertyOptional({ enum: DRUG_TEST_SUBSTANCES, isArray: true, description: 'required when positive, absent when negative' })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(DRUG_TEST_SUBSTANCES, { each: true })
  substances?: (typeof DRUG_TEST_SUBSTANCES)[number][];
}

/** `POST /continuity-of-care`: a client handed over from prison treatment to the community. */
export class ContinuityOfCareDto {
  @ApiProperty({ example: 'ST-COC-2026-011' })
  @IsRef()
  handoverRef: string;

  @ApiProperty({ example: '2026-03-06T09:00:00Z', format: 'date-time', description: 'released from prison' })
  @IsPastDateTime()
  releasedAt: string;

  @ApiProperty({ example: 'HMP Holme House' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  prison: string;

  @ApiProperty({ type: PersonDto })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  client: PersonDto;

  @ApiPropertyOptional({ format: 'date-time', description: 'the first community appointment attended; absent until then' })
  @IsOptional() @IsPastDateTime()
  engagedAt?: string;
}

/** Data of the episode-exit event: the exit with the client of the episode it ends. */
export class EpisodeExitedData extends EpisodeExitDto {
  @ApiProperty({ type: PersonDto, description: 'the client of the episode, filled in by the hub' })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  client: PersonDto;
}
