import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** Nest's error answer on the read routes (e.g. `404`). */
@ApiSchema({ name: 'HttpError' })
export class HttpErrorDto {
  @ApiProperty({ example: 404 })
  statusCode: number;

  @ApiProperty({ example: 'unknown transaction' })
  message: string;

  @ApiProperty({ example: 'Not Found' })
  error: string;
}
