import { ConfigurableModuleBuilder } from '@nestjs/common';
import type {
  PaidUnionIdCaptureModuleExtras,
  PaidUnionIdCaptureModuleOptions,
} from './interfaces/paid-unionid-capture-module-options.interface';

export const {
  ConfigurableModuleClass: PaidUnionIdCaptureConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: PAID_UNIONID_CAPTURE_MODULE_OPTIONS,
  OPTIONS_TYPE: PAID_UNIONID_CAPTURE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: PAID_UNIONID_CAPTURE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<PaidUnionIdCaptureModuleOptions>({
  moduleName: 'PaidUnionIdCapture',
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createPaidUnionIdCaptureOptions')
  .setExtras<PaidUnionIdCaptureModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
