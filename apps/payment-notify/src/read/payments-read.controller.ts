import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiUnauthorizedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { HttpErrorDto, PaymentViewDto, UnionIdViewDto } from '../docs';
import { PaidUnionIdCapture } from '@app/paid-unionid-capture';
import type { PaymentView } from './payment.view';
import { ReadApiTokenGuard } from './read-api-token.guard';

/** Read side: a payment's state, and the unionid known for an openid. */
@ApiTags('payments')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: HttpErrorDto, description: 'No valid READ_API_TOKEN bearer' })
@UseGuards(ReadApiTokenGuard)
@Controller()
export class PaymentsReadController {
  constructor(private readonly capture: PaidUnionIdCapture) {}

  @Get('payments/:transactionId')
  @ApiOperation({ summary: "A payment's lookup state" })
  @ApiParam({ name: 'transactionId', description: 'WeChat Pay transaction_id' })
  @ApiOkResponse({ type: PaymentViewDto })
  @ApiNotFoundResponse({ type: HttpErrorDto, description: 'No such payment stored' })
  async payment(@Param('transactionId') transactionId: string): Promise<PaymentView> {
    const payment = await this.capture.status(transactionId);
    if (!payment) {
      throw new NotFoundException('unknown transaction');
    }
    return payment;
  }

  @Get('unionids/:openid')
  @ApiOperation({ summary: 'The unionid found for a payer' })
  @ApiParam({ name: 'openid', description: "The payer's openid in the mini program" })
  @ApiOkResponse({ type: UnionIdViewDto })
  @ApiNotFoundResponse({ type: HttpErrorDto, description: 'No unionid known for this openid' })
  async unionid(@Param('openid') openid: string): Promise<UnionIdViewDto> {
    const unionid = await this.capture.unionidOf(openid);
    if (unionid === null) {
      throw new NotFoundException('no unionid known for this openid');
    }
    return { openid, unionid };
  }
}
