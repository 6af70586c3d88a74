import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** `GET /unionids/:openid` answer. */
@ApiSchema({ name: 'UnionIdView' })
export class UnionIdViewDto {
  @ApiProperty({ example: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' })
  openid: string;

  @ApiProperty({ example: 'oTmHYjg8bHbXbd5V1G8gYh7f4g9E' })
  unionid: string;
}
