import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Agency, AGENCIES } from './agencies';
import { IsNhsNumber, IsPastCalendarDate, IsRef, PNC_ID, UK_POSTCODE } from './validators';

export class AddressDto {
  @ApiProperty({ example: '1 Example Street' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  line1: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(200)
  line2?: string;

  @ApiPropertyOptional({ example: 'Hartlepool' })
  @IsOptional() @IsString() @MaxLength(100)
  town?: string;

  @ApiProperty({ example: 'TS24 7AA' })
  @Matches(UK_POSTCODE, { message: 'must be a full UK postcode, e.g. TS24 7AA' })
  postcode: string;
}

/** Another agency's id for the same person, as this agency knows it (the agency crosswalk). */
export class AgencyRefDto {
  @ApiProperty({ enum: AGENCIES, example: 'police' })
  @IsIn(AGENCIES)
  agency: Agency;

  @ApiProperty({ example: 'CP-P-1001' })
  @IsRef()
  personRef: string;
}

export class IdentifiersDto {
  @ApiPropertyOptional({ example: '9434765919' })
  @IsOptional() @IsNhsNumber()
  nhsNumber?: string;

  @ApiPropertyOptional({ example: '12/345678A' })
  @IsOptional() @Matches(PNC_ID, { message: 'must be a PNC id such as 12/345678A' })
  pnc?: string;

  @ApiPropertyOptional({ type: [AgencyRefDto], description: "other agencies' ids of this person that this agency holds: they link at once" })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => AgencyRefDto)
  crossRefs?: AgencyRefDto[];
}

/** A child's school, as the agency knows it: Operation Encompass notifies its safeguarding lead. */
export class SchoolDto {
  @ApiProperty({ example: '900001', description: 'the DfE unique reference number (URN) of the school' })
  @Matches(/^\d{6}$/, { message: 'must be a six-digit DfE URN' })
  urn: string;

  @ApiProperty({ example: 'Seaview Primary School' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;
}

export const SEXES = ['F', 'M', 'X', 'U'] as const;

/** A person as an agency knows them: `personRef` is the agency's own id. */
export class PersonDto {
  @ApiProperty({ example: 'CP-P-1001', description: "the agency's own id for the person" })
  @IsString() @IsNotEmpty() @MaxLength(64) @Matches(/^[A-Za-z0-9][A-Za-z0-9/_.:-]*$/, { message: 'must be letters, digits and / _ . : -' })
  personRef: string;

  @ApiProperty({ example: 'Jane' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  givenName: string;

  @ApiProperty({ example: 'Doe' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  familyName: string;

  @ApiPropertyOptional({ example: '1990-05-04', format: 'date' })
  @IsOptional() @IsPastCalendarDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ enum: SEXES })
  @IsOptional() @IsIn(SEXES)
  sex?: (typeof SEXES)[number];

  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional() @ValidateNested() @Type(() => AddressDto)
  address?: AddressDto;

  @ApiPropertyOptional({ type: IdentifiersDto })
  @IsOptional() @ValidateNested() @Type(() => IdentifiersDto)
  identifiers?: IdentifiersDto;

  @ApiPropertyOptional({ type: SchoolDto, description: 'for a child: the school they attend (Operation Encompass)' })
  @IsOptional() @ValidateNested() @Type(() => SchoolDto)
  school?: SchoolDto;
}
