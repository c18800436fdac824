import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength,
  ValidateBy, ValidateNested, ValidationArguments,
} from 'class-validator';
import { PersonDto } from '../person.dto';
import { IsPastDateTime, UK_POSTCODE } from '../validators';
import { DASH_FORMS, DashForm, RISK_LEVELS, RiskLevel } from './dash';

export class IncidentLocationDto {
  @ApiPropertyOptional({ example: 'Victoria' })
  @IsOptional() @IsString() @MaxLength(100)
  ward?: string;

  @ApiProperty({ example: 'TS24 7AA' })
  @Matches(UK_POSTCODE, { message: 'must be a full UK postcode, e.g. TS24 7AA' })
  postcode: string;
}

export class DashDto {
  @ApiProperty({ enum: Object.keys(DASH_FORMS), description: 'police-27 (27 answers) or safelives-24 (24 answers)' })
  @IsIn(Object.keys(DASH_FORMS))
  form: DashForm;

  @ApiProperty({ type: [Boolean], description: 'one answer per question, in form order; true = ticked' })
  @IsArray() @IsBoolean({ each: true })
  @ValidateBy({
    name: 'answersMatchForm',
    validator: {
      validate: (answers: unknown, args?: ValidationArguments) => {
        const form = (args?.object as DashDto).form;
        return !(form in DASH_FORMS) || (Array.isArray(answers) && answers.length === DASH_FORMS[form]);
      },
      defaultMessage: (args?: ValidationArguments) => {
        const form = (args?.object as DashDto).form;
        return `the ${form} form has ${DASH_FORMS[form]} questions: give exactly ${DASH_FORMS[form]} answers`;
      },
    },
  })
  answers: boolean[];
}

export class ProfessionalJudgementDto {
  @ApiProperty({ enum: RISK_LEVELS, description: 'may raise the grade the ticks give, never lower it' })
  @IsIn(RISK_LEVELS)
  riskLevel: RiskLevel;

  @ApiProperty({ example: 'Escalating coercive control; victim fears for her life' })
  @IsString() @IsNotEmpty({ message: 'a reason is required for professional judgement' }) @MaxLength(2000)
  reason: string;
}

/** `POST /domestic-incidents` on police, and the data of `uk.shp.police.domestic-incident.recorded.v1`. */
export class DomesticIncidentDto {
  @ApiProperty({ example: 'CP-DA-000123' })
  @IsString() @IsNotEmpty() @MaxLength(64) @Matches(/^[A-Za-z0-9][A-Za-z0-9/_.:-]*$/, { message: 'must be letters, digits and / _ . : -' })
  incidentRef: string;

  @ApiProperty({ example: '2026-03-01T22:15:00Z', format: 'date-time' })
  @IsPastDateTime()
  occurredAt: string;

  @ApiProperty({ type: IncidentLocationDto })
  @IsDefined() @ValidateNested() @Type(() => IncidentLocationDto)
  location: IncidentLocationDto;

  @ApiProperty({ type: PersonDto })
  @IsDefined() @ValidateNested() @Type(() => PersonDto)
  victim: PersonDto;

  @ApiPropertyOptional({ type: PersonDto, description: 'absent when not known' })
  @IsOptional() @ValidateNested() @Type(() => PersonDto)
  perpetrator?: PersonDto;

  @ApiPropertyOptional({ type: [PersonDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => PersonDto)
  childrenPresent?: PersonDto[];

  @ApiProperty({ type: DashDto })
  @IsDefined() @ValidateNested() @Type(() => DashDto)
  dash: DashDto;

  @ApiPropertyOptional({ type: ProfessionalJudgementDto })
  @IsOptional() @ValidateNested() @Type(() => ProfessionalJudgementDto)
  professionalJudgement?: ProfessionalJudgementDto;
}
