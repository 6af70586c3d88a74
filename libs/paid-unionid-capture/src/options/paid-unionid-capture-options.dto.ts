import { IsIn, IsInt, IsOptional, IsString, Matches, Min, ValidateIf } from 'class-validator';
import type { PaidUnionIdLookupSelector } from '../interfaces';

/** The checkable part of the module options, validated once at bootstrap. */
export class PaidUnionIdCaptureOptionsDto {
  // A DataSource is checked when it is opened; a string must look like a database URL.
  @ValidateIf((options: PaidUnionIdCaptureOptionsDto) => typeof options.database !== 'object')
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'database must be sqlite:PATH, a postgres:// URL or a TypeORM DataSource',
  })
  database: unknown;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'redis must be a redis:// or rediss:// URL' })
  redis?: string;

  @IsOptional()
  @IsString({ each: true, message: 'appIds must be a list of appids' })
  appIds?: string[];

  @IsOptional()
  @IsIn(['transaction_id', 'out_trade_no'], {
    message: 'selector must be transaction_id or out_trade_no',
  })
  selector?: PaidUnionIdLookupSelector;

  @IsOptional()
  @IsInt({ message: 'concurrency must be an integer >= 1' })
  @Min(1, { message: 'concurrency must be an integer >= 1' })
  concurrency?: number;

  @IsOptional()
  @IsInt({ message: 'sliceMs must be an integer >= 1 (milliseconds)' })
  @Min(1, { message: 'sliceMs must be an integer >= 1 (milliseconds)' })
  sliceMs?: number;

  @IsOptional()
  @IsInt({ message: 'pollMs must be an integer >= 1 (milliseconds)' })
  @Min(1, { message: 'pollMs must be an integer >= 1 (milliseconds)' })
  pollMs?: number;

  @IsOptional()
  @IsInt({ message: 'rateLimit must be an integer >= 0 (0: no limit)' })
  @Min(0, { message: 'rateLimit must be an integer >= 0 (0: no limit)' })
  rateLimit?: number;
}
