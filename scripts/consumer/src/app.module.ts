// A user's application, written as the packages' READMEs tell: package names only.
import {
  Controller,
  Get,
  Module,
  NotFoundException,
  Param,
  type DynamicModule,
} from '@nestjs/common';
import { WechatAuthModule } from '@wxpay-unionid/nestjs-wechat-auth';
import { WechatPayNotifyModule } from '@wxpay-unionid/nestjs-wechatpay-notify';
import {
  PaidUnionIdCapture,
  PaidUnionIdCaptureModule,
  type PaidUnionIdCaptureStatus,
  type PaidUnionIdResolvedEvent,
} from '@wxpay-unionid/nestjs-paid-unionid-capture';

/** Where the application reads its settings (all from the environment). */
export interface AppEnv {
  WECHAT_APPID: string;
  WECHAT_SECRET: string;
  WECHAT_API_BASE_URL: string;
  WECHATPAY_MCHID: string;
  WECHATPAY_APIV3_KEY: string;
  WECHATPAY_PUBLIC_KEY_ID: string;
  WECHATPAY_PUBLIC_KEY_PEM: string;
  DATABASE: string;
}

/** "accounts.link(openid, unionid)": one JSON line per resolved payment. */
function link(event: PaidUnionIdResolvedEvent): void {
  process.stdout.write(`${JSON.stringify({ resolved: event })}\n`);
}

@Controller('payments')
export class PaymentsController {
  constructor(private readonly capture: PaidUnionIdCapture) {}

  @Get(':transactionId')
  async status(@Param('transactionId') transactionId: string): Promise<PaidUnionIdCaptureStatus> {
    const status = await this.capture.status(transactionId);
    if (status === null) throw new NotFoundException();
    return status;
  }

  @Get('by-openid/:openid')
  async unionid(@Param('openid') openid: string): Promise<{ unionid: string }> {
    const unionid = await this.capture.unionidOf(openid);
    if (unionid === null) throw new NotFoundException();
    return { unionid };
  }
}

@Module({})
export class AppModule {
  static register(env: AppEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        WechatAuthModule.forRoot({
          appId: env.WECHAT_APPID,
          secret: env.WECHAT_SECRET,
          apiBaseUrl: env.WECHAT_API_BASE_URL,
          isGlobal: true,
        }),
        WechatPayNotifyModule.forRoot({
          mchId: env.WECHATPAY_MCHID,
          apiV3Key: env.WECHATPAY_APIV3_KEY,
          publicKeys: [{ id: env.WECHATPAY_PUBLIC_KEY_ID, pem: env.WECHATPAY_PUBLIC_KEY_PEM }],
          path: 'wechatpay/notify',
        }),
        PaidUnionIdCaptureModule.forRoot({
          database: env.DATABASE,
          onResolved: link,
        }),
      ],
      controllers: [PaymentsController],
    };
  }
}
