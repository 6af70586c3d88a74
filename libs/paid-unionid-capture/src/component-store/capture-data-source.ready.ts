import type { DataSource } from 'typeorm';

/**
 * The module's own DataSource, once opened with its migrations run: settled by the DataSource
 * holder's provider, awaited by `PaidUnionIdCaptureComponentStore`. The store cannot inject the
 * holder itself: the holder waits for `WechatAuthModule`'s options (through the capture
 * settings), and those may be built from the store (`forRootAsync({ inject: [store] })`).
 *
 * @internal
 */
export class CaptureDataSourceReady {
  readonly promise: Promise<DataSource>;
  private settle!: { resolve: (dataSource: DataSource) => void; reject: (error: unknown) => void };

  constructor() {
    this.promise = new Promise<DataSource>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A failed start is reported by bootstrap; the store reports it again on each call.
    this.promise.catch(() => undefined);
  }

  resolve(dataSource: DataSource): void {
    this.settle.resolve(dataSource);
  }

  reject(error: unknown): void {
    this.settle.reject(error);
  }
}
